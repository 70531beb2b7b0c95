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
from casedesk.domain.users import AppKey, IssuedKeys, Principal, Role, User, clean_email
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
    _set_disabled(uow, user, True, who, now)
    return user.id


def enable_user(uow: UnitOfWork, cmd: uc.EnableUser, who: Principal, now: datetime) -> uuid.UUID:
    user = uow.users.get(cmd.user_id)
    _set_disabled(uow, user, False, who, now)
    return user.id


def set_role(uow: UnitOfWork, cmd: uc.SetUserRole, who: Principal, now: datetime) -> uuid.UUID:
    user = uow.users.get(cmd.user_id)
    if user.role is cmd.role:
        return user.id
    if user.role is Role.ADMIN and not user.disabled:
        _keep_an_admin(uow, "role", f"{user.email} is the last active admin and cannot lose the admin role")
    old = user.role
    user.set_role(cmd.role, now)
    uow.users.save(user)
    audit.record(
        uow,
        who,
        now,
        AuditAction.USER_ROLE_CHANGED,
        "user",
        user.id,
        email=user.email,
        old=old,
        new=user.role,
    )
    return user.id


def update_user(uow: UnitOfWork, cmd: uc.UpdateUser, who: Principal, now: datetime) -> uuid.UUID:
    user = uow.users.get(cmd.user_id)
    if cmd.email is not None:
        email = clean_email(cmd.email)
        other = uow.users.find_by_email(email)
        if other is not None and other.id != user.id:
            raise ValidationFailed("email", f"a user with email {email} already exists")
    before = {"name": user.name, "email": user.email, "title": user.title}
    user.change(name=cmd.name, email=cmd.email, title=cmd.title, now=now)
    after = {"name": user.name, "email": user.email, "title": user.title}
    changed = {
        key: {"old": before[key], "new": value} for key, value in after.items() if before[key] != value
    }
    if changed:
        uow.users.save(user)
        audit.record(
            uow, who, now, AuditAction.USER_UPDATED, "user", user.id, email=user.email, changes=changed
        )
    if cmd.disabled is not None:
        _set_disabled(uow, user, cmd.disabled, who, now)
    return user.id


def _set_disabled(uow: UnitOfWork, user: User, disabled: bool, who: Principal, now: datetime) -> None:
    """Disables or enables the user, recording it; a no-op (and no entry) when already so."""
    if user.disabled is disabled:
        return
    if disabled:
        if user.role is Role.ADMIN:
            _keep_an_admin(uow, "disabled", f"{user.email} is the last active admin and cannot be disabled")
        user.disable(now)
    else:
        user.enable(now)
    uow.users.save(user)
    action = AuditAction.USER_DISABLED if disabled else AuditAction.USER_ENABLED
    audit.record(uow, who, now, action, "user", user.id, email=user.email)


def _keep_an_admin(uow: UnitOfWork, field: str, message: str) -> None:
    """Refuses a change that would take away the last active admin: nobody could manage users,
    keys or settings through the API any more."""
    if uow.users.active_admins() <= 1:
        raise ValidationFailed(field, message)


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


def revoke_key(uow: UnitOfWork, cmd: uc.RevokeAppKey, who: Principal, now: datetime) -> uuid.UUID:
    return _revoke(uow, uow.keys.get_app_key(cmd.key_id), who, now)


def revoke_own_key(uow: UnitOfWork, cmd: uc.RevokeOwnAppKey, who: Principal, now: datetime) -> uuid.UUID:
    key = uow.keys.get_app_key(cmd.key_id)
    if key.user_id != who.user_id:
        # Someone else's key is not the caller's to know of.
        raise NotFound("application key", cmd.key_id)
    return _revoke(uow, key, who, now)


def _revoke(uow: UnitOfWork, key: AppKey, who: Principal, now: datetime) -> uuid.UUID:
    """Marks the key revoked (the row stays for the audit trail); revoking it again changes
    nothing and records nothing."""
    if key.revoked_at is None:
        key.revoked_at = now
        uow.keys.save_app_key(key)
        audit.record(
            uow, who, now, AuditAction.KEY_REVOKED, "key", key.id, user_id=str(key.user_id), name=key.name
        )
    return key.id
