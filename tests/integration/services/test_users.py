"""User and key handlers on the real unit of work: unique emails, keys only for active users,
and keys stored as digests."""

from __future__ import annotations

import pytest

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from casedesk.domain import users as uc
from casedesk.domain.audit import AuditAction
from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.users import IssuedKeys, Principal, Role
from casedesk.domain.vocab import Scope
from casedesk.services.bus import MessageBus
from casedesk.services.keys import digest
from tests.integration.helpers import rows


def test_user_emails_are_unique_whatever_their_case(bus: MessageBus, admin: Principal) -> None:
    with pytest.raises(ValidationFailed) as refused:
        bus.handle(uc.CreateUser(email=" ADMIN@example.com "), admin)
    assert refused.value.field == "email"


def test_keys_for_unknown_or_disabled_users(bus: MessageBus, admin: Principal) -> None:
    with pytest.raises(NotFound):
        bus.handle(uc.CreateKeys(user_email="ghost@example.com", scopes=Scope.all()), Principal.operator())
    with pytest.raises(ValidationFailed):
        bus.handle(uc.CreateKeys(user_email="not an email", scopes=Scope.all()), Principal.operator())
    gone = bus.handle(uc.CreateUser(email="gone@example.com"), Principal.operator())
    bus.handle(uc.DisableUser(gone), Principal.operator())
    with pytest.raises(ValidationFailed):
        bus.handle(uc.CreateKeys(user_email="gone@example.com", scopes=Scope.all()), Principal.operator())


def test_keys_are_stored_as_digests(db: Container, bus: MessageBus) -> None:
    user_id = bus.handle(uc.CreateUser(email="key@example.com"), Principal.operator())
    scopes = frozenset({Scope.CASES_WRITE})
    keys: IssuedKeys = bus.handle(
        uc.CreateKeys(user_email="key@example.com", scopes=scopes), Principal.operator()
    )
    # What is stored are the digests: looked up by them the keys are found, with their user
    # and scopes; looked up by the secrets themselves, nothing matches.
    found = db.keys.check(digest(keys.api_key), digest(keys.app_key))
    assert found.api_key_live
    assert found.app_key is not None
    assert (found.app_key.user_id, found.app_key.scopes) == (user_id, scopes)
    raw = db.keys.check(keys.api_key, keys.app_key)
    assert (raw.api_key_live, raw.app_key) == (False, None)
    assert (user_id, digest(keys.api_key)) in rows(db, t.api_keys, "created_by", "key_hash")
    # Checking presented keys is tested on the real lookup: tests/integration/test_authentication.py.


def test_creating_users_and_keys_is_in_the_audit_log_with_who_did_it(db: Container, admin: Principal) -> None:
    bus = db.bus
    bus.handle(uc.CreateUser(email="new@example.com", role=Role.READ_ONLY), admin)
    bus.handle(uc.CreateKeys(user_email="new@example.com", scopes=frozenset({Scope.CASES_READ})), admin)
    with db.uow() as uow:
        newest, created, first = uow.audit.entries(limit=10)
        assert uow.audit.entries(limit=10, before=created.id) == [first]
        assert uow.audit.entries(limit=10, action=AuditAction.KEYS_CREATED) == [newest]
    # the admin fixture itself was made by the operator, who is no user
    assert (first.action, first.actor_id, first.actor_email) == (AuditAction.USER_CREATED, None, "operator")
    assert (created.action, created.actor_id, created.data["role"]) == (
        AuditAction.USER_CREATED,
        admin.user_id,
        "read_only",
    )
    assert (newest.action, newest.target_id, newest.data["scopes"]) == (
        AuditAction.KEYS_CREATED,
        created.target_id,
        ["cases_read"],
    )


def test_the_last_active_admin_keeps_the_role_and_stays_enabled(bus: MessageBus, admin: Principal) -> None:
    for refused in (
        uc.SetUserRole(admin.user_id, Role.STANDARD),
        uc.DisableUser(admin.user_id),
        uc.UpdateUser(admin.user_id, disabled=True),
    ):
        with pytest.raises(ValidationFailed, match="last active admin"):
            bus.handle(refused, Principal.operator())
    # A disabled admin does not count: the one active admin is still the last.
    other = bus.handle(uc.CreateUser(email="second@example.com", role=Role.ADMIN), Principal.operator())
    bus.handle(uc.DisableUser(other), Principal.operator())
    with pytest.raises(ValidationFailed, match="last active admin"):
        bus.handle(uc.SetUserRole(admin.user_id, Role.READ_ONLY), Principal.operator())
    bus.handle(uc.EnableUser(other), Principal.operator())
    bus.handle(uc.SetUserRole(admin.user_id, Role.READ_ONLY), Principal.operator())


def test_update_user_changes_only_what_is_given_and_records_it(db: Container, admin: Principal) -> None:
    user_id = db.bus.handle(uc.CreateUser(email="ann@example.com", name="Ann"), admin)
    db.bus.handle(uc.UpdateUser(user_id, name="Ann Lee", email="ANN.LEE@example.com"), admin)
    user = db.read.user(user_id)
    assert (user.name, user.email, user.title) == ("Ann Lee", "ann.lee@example.com", None)
    db.bus.handle(uc.UpdateUser(user_id, name="Ann Lee"), admin)  # no change: no entry
    with db.uow() as uow:
        [entry] = uow.audit.entries(limit=10, action=AuditAction.USER_UPDATED)
    assert entry.data == {
        "email": "ann.lee@example.com",
        "changes": {
            "name": {"old": "Ann", "new": "Ann Lee"},
            "email": {"old": "ann@example.com", "new": "ann.lee@example.com"},
        },
    }
    with pytest.raises(ValidationFailed) as taken:
        db.bus.handle(uc.UpdateUser(user_id, email="admin@example.com"), admin)
    assert taken.value.field == "email"


def test_a_user_revokes_only_their_own_keys(db: Container, admin: Principal) -> None:
    db.bus.handle(uc.CreateUser(email="own@example.com"), admin)
    keys = db.bus.handle(uc.CreateKeys(user_email="own@example.com", scopes=Scope.default()), admin)
    owner = Principal(
        user_id=keys.user_id, email="own@example.com", scopes=frozenset({Scope.USER_ACCESS_READ})
    )
    theirs = db.bus.handle(uc.CreateKeys(user_email="admin@example.com", scopes=Scope.default()), admin)
    with pytest.raises(NotFound):
        db.bus.handle(uc.RevokeOwnAppKey(theirs.key_id), owner)
    db.bus.handle(uc.RevokeOwnAppKey(keys.key_id), owner)
    db.bus.handle(uc.RevokeOwnAppKey(keys.key_id), owner)  # again: harmless
    assert db.identity.app_key(keys.key_id).revoked_at is not None
    assert db.identity.app_key(theirs.key_id).revoked_at is None
    with db.uow() as uow:
        [entry] = uow.audit.entries(limit=10, action=AuditAction.KEY_REVOKED)
    assert (entry.actor_id, entry.target_id) == (keys.user_id, str(keys.key_id))
