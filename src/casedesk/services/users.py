"""User and key use cases, and `resolve`: the one way a use case finds the user a caller named."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from casedesk.domain import users as uc
from casedesk.domain.audit import AuditAction
from casedesk.domain.cases.mentions import MentionLookup
from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.ids import UserRef
from casedesk.domain.users import IssuedKeys, Principal, User, clean_email
from casedesk.services import audit
from casedesk.services.keys import issue_keys
from casedesk.services.ports.uow import UnitOfWork


def resolve(uow: UnitOfWork, ref: UserRef, field: str | None = None, *, active: bool = True) -> User:
    """The user `ref` names. Unknown, it is a ValidationFailed naming `field`, the request
    member that named it, or NotFound when `field` is None (the user is what the request is
    about, as in a path). Disabled, it is refused naming `field` (or `user`) unless `active` is
    False, as for taking someone who left off a list."""
    user = _find(uow, ref)
    if user is None:
        if field is None:
            raise NotFound("user", ref)
        raise ValidationFailed(field, _unknown(ref))
    if active and user.disabled:
        raise ValidationFailed(field or "user", f"user {user.email} is disabled")
    return user


def resolve_all(uow: UnitOfWork, refs: Sequence[UserRef], field: str) -> list[uuid.UUID]:
    return [resolve(uow, ref, field).id for ref in refs]


def mentionable(uow: UnitOfWork) -> MentionLookup:
    """The aggregate's lookup for mentions: the active users among the refs; a mention of
    anyone else is left as text."""

    def lookup(refs: Sequence[UserRef]) -> list[uuid.UUID]:
        found = [_find(uow, ref) for ref in refs]
        return list(dict.fromkeys(u.id for u in found if u is not None and not u.disabled))

    return lookup


def _find(uow: UnitOfWork, ref: UserRef) -> User | None:
    if ref.email is not None:
        return uow.users.find_by_email(ref.email)
    if ref.number is not None:
        # Numbers are how Tines names users; only active users answer to theirs.
        user = uow.users.find_by_number(ref.number)
        return user if user is not None and not user.disabled else None
    if ref.id is None:
        return None
    try:
        return uow.users.get(ref.id)
    except NotFound:
        return None


def _unknown(ref: UserRef) -> str:
    if ref.email is not None:
        return f"no user has the email {ref.email}"
    if ref.number is not None:
        return f"no user has the id {ref.number}"
    return f"user {ref.id} does not exist"


def create_user(uow: UnitOfWork, cmd: uc.CreateUser, who: Principal, now: datetime) -> uuid.UUID:
    user = User.create(email=cmd.email, name=cmd.name, title=cmd.title, now=now, role=cmd.role)
    if uow.users.find_by_email(user.email) is not None:
        raise ValidationFailed("email", f"a user with email {user.email} already exists")
    uow.users.add(user)
    audit.record(uow, who, now, AuditAction.USER_CREATED, "user", user.id, email=user.email, role=user.role)
    return user.id


def disable_user(uow: UnitOfWork, cmd: uc.DisableUser, who: Principal, now: datetime) -> uuid.UUID:
    user = uow.users.get(cmd.user_id)
    user.disable(now)
    uow.users.save(user)
    audit.record(uow, who, now, AuditAction.USER_DISABLED, "user", user.id, email=user.email)
    return user.id


def create_keys(uow: UnitOfWork, cmd: uc.CreateKeys, who: Principal, now: datetime) -> IssuedKeys:
    user = uow.users.find_by_email(clean_email(cmd.user_email))
    if user is None:
        raise NotFound("user", cmd.user_email)
    if user.disabled:
        raise ValidationFailed("user", f"user {user.email} is disabled")
    issued = issue_keys(uow, user.id, cmd.scopes, cmd.name, now)
    audit.record(
        uow,
        who,
        now,
        AuditAction.KEYS_CREATED,
        "user",
        user.id,
        email=user.email,
        name=cmd.name,
        scopes=sorted(s.value for s in cmd.scopes),
    )
    return issued
