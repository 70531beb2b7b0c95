"""User and key use cases."""

from __future__ import annotations

import uuid
from datetime import datetime

from casedesk.domain import commands as c
from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.users import Principal, User, clean_email
from casedesk.services.keys import IssuedKeys, issue_keys
from casedesk.services.ports.uow import UnitOfWork


def create_user(uow: UnitOfWork, cmd: c.CreateUser, who: Principal | None, now: datetime) -> uuid.UUID:
    user = User.create(email=cmd.email, name=cmd.name, title=cmd.title, now=now)
    if uow.users.find_by_email(user.email) is not None:
        raise ValidationFailed("email", f"a user with email {user.email} already exists")
    uow.users.add(user)
    return user.id


def disable_user(uow: UnitOfWork, cmd: c.DisableUser, who: Principal, now: datetime) -> uuid.UUID:
    user = uow.users.get(cmd.user_id)
    user.disable(now)
    uow.users.save(user)
    return user.id


def create_keys(uow: UnitOfWork, cmd: c.CreateKeys, who: Principal | None, now: datetime) -> IssuedKeys:
    user = uow.users.find_by_email(clean_email(cmd.user_email))
    if user is None:
        raise NotFound("user", cmd.user_email)
    if user.disabled:
        raise ValidationFailed("user", f"user {user.email} is disabled")
    return issue_keys(uow, user.id, cmd.scopes, cmd.name, now)
