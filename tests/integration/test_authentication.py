"""Authentication on the real lookup: which presented keys pass, which error names which key,
that a revoked key or a disabled user is refused on the very next check (nothing is cached),
that a successful check is one query, and that a key's use is stamped at most once a
minute."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Table, event, select, update

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from casedesk.domain import users as uc
from casedesk.domain.errors import Unauthenticated
from casedesk.domain.users import IssuedKeys, Principal, Role
from casedesk.domain.vocab import Scope
from casedesk.services.keys import authenticate, digest

UNKNOWN_API_KEY = "0" * 32
UNKNOWN_APP_KEY = "0" * 40


def new_keys(
    db: Container, scopes: frozenset[Scope] = frozenset({Scope.CASES_WRITE}), role: Role = Role.STANDARD
) -> IssuedKeys:
    email = f"key.{uuid.uuid4().hex[:8]}@example.com"
    db.bus.handle(uc.CreateUser(email=email, name="Key Holder", role=role), Principal.operator())
    keys: IssuedKeys = db.bus.handle(uc.CreateKeys(user_email=email, scopes=scopes), Principal.operator())
    return keys


def revoke(db: Container, table: Table, secret: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            update(table).where(table.c.key_hash == digest(secret)).values(revoked_at=datetime.now(UTC))
        )


@pytest.fixture
def statements(db: Container) -> Iterator[list[str]]:
    """The SQL statements the engine sends while the test runs."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's BEGIN, sent by engine.py's listener
            sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield sent
    event.remove(db.engine, "before_cursor_execute", record)


def test_a_key_pair_and_a_bearer_key_identify_their_user(db: Container) -> None:
    scopes = frozenset({Scope.CASES_READ, Scope.INCIDENT_WRITE})
    keys = new_keys(db, scopes)
    for api_key in (keys.api_key, None):
        principal = authenticate(db.keys, api_key, keys.app_key)
        # incident_write carries the incident_read it implies
        assert (principal.user_id, principal.scopes) == (keys.user_id, scopes | {Scope.INCIDENT_READ})
        assert (principal.role, principal.key_id is not None) == (Role.STANDARD, True)
        assert principal.email.startswith("key.")


@pytest.mark.parametrize(
    ("role", "granted", "effective"),
    [
        # a read-only user's write key still reads, and writes nothing
        (Role.READ_ONLY, {Scope.CASES_WRITE, Scope.INCIDENT_WRITE}, {Scope.CASES_READ, Scope.INCIDENT_READ}),
        # settings and people are an admin's, whatever a standard user's key names; reading
        # users, which managing them implies, is not
        (
            Role.STANDARD,
            {Scope.CASES_WRITE, Scope.CASES_SHARED_SETTINGS_WRITE, Scope.USER_ACCESS_MANAGE},
            {Scope.CASES_WRITE, Scope.CASES_READ, Scope.USER_ACCESS_READ},
        ),
        (
            Role.ADMIN,
            {Scope.CASES_SHARED_SETTINGS_WRITE, Scope.USER_ACCESS_MANAGE},
            {
                Scope.CASES_SHARED_SETTINGS_WRITE,
                Scope.USER_ACCESS_MANAGE,
                Scope.USER_ACCESS_READ,
                Scope.USER_ACCESS_INVITE,
            },
        ),
    ],
)
def test_a_keys_scopes_are_narrowed_to_what_its_users_role_allows(
    db: Container, role: Role, granted: set[Scope], effective: set[Scope]
) -> None:
    keys = new_keys(db, frozenset(granted), role)
    principal = authenticate(db.keys, keys.api_key, keys.app_key)
    assert (principal.role, principal.scopes) == (role, frozenset(effective))


def test_a_successful_check_is_one_query(db: Container, statements: list[str]) -> None:
    keys = new_keys(db)
    authenticate(db.keys, keys.api_key, keys.app_key)  # the first use stamps the key
    statements.clear()
    authenticate(db.keys, keys.api_key, keys.app_key)
    assert len(statements) == 1, statements
    statements.clear()
    authenticate(db.keys, None, keys.app_key)
    assert len(statements) == 1, statements


def last_used(db: Container, key_id: uuid.UUID) -> datetime | None:
    with db.engine.connect() as conn:
        stamp: datetime | None = conn.execute(
            select(t.app_keys.c.last_used_at).where(t.app_keys.c.id == key_id)
        ).scalar_one()
    return stamp


def test_a_keys_use_is_stamped_at_most_once_a_minute(db: Container, statements: list[str]) -> None:
    keys = new_keys(db)
    first = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert last_used(db, keys.key_id) is None

    authenticate(db.keys, keys.api_key, keys.app_key, now=first)
    assert last_used(db, keys.key_id) == first

    statements.clear()
    authenticate(db.keys, None, keys.app_key, now=first + timedelta(seconds=59))
    assert len(statements) == 1, statements  # no write within the minute
    assert last_used(db, keys.key_id) == first

    later = first + timedelta(seconds=60)
    authenticate(db.keys, keys.api_key, keys.app_key, now=later)
    assert last_used(db, keys.key_id) == later


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        (("api", None), "an application key is required"),
        (("api", ""), "an application key is required"),
        ((UNKNOWN_API_KEY, "app"), "unknown API key"),
        # Both unknown: the API key is named first, as when it is checked first.
        ((UNKNOWN_API_KEY, UNKNOWN_APP_KEY), "unknown API key"),
        (("api", UNKNOWN_APP_KEY), "unknown application key"),
        ((None, UNKNOWN_APP_KEY), "unknown application key"),
        (("app", "api"), "unknown API key"),
        ((None, "api"), "unknown application key"),
    ],
    ids=[
        "no-app-key",
        "empty-app-key",
        "unknown-api",
        "both-unknown",
        "unknown-app",
        "unknown-bearer",
        "swapped",
        "api-as-bearer",
    ],
)
def test_unknown_keys_are_refused_naming_the_key(
    db: Container, pair: tuple[str | None, str | None], message: str
) -> None:
    keys = new_keys(db)
    real = {"api": keys.api_key, "app": keys.app_key}
    api_key, app_key = (real.get(part, part) if part else part for part in pair)
    with pytest.raises(Unauthenticated) as refused:
        authenticate(db.keys, api_key, app_key)
    assert refused.value.message.startswith(message), refused.value.message


def test_a_revoked_application_key_is_refused_on_the_next_check(db: Container) -> None:
    keys = new_keys(db)
    assert authenticate(db.keys, keys.api_key, keys.app_key).user_id == keys.user_id
    revoke(db, t.app_keys, keys.app_key)
    for api_key in (keys.api_key, None):
        with pytest.raises(Unauthenticated, match="unknown application key"):
            authenticate(db.keys, api_key, keys.app_key)


def test_a_revoked_api_key_is_refused_on_the_next_check(db: Container) -> None:
    keys = new_keys(db)
    assert authenticate(db.keys, keys.api_key, keys.app_key).user_id == keys.user_id
    revoke(db, t.api_keys, keys.api_key)
    with pytest.raises(Unauthenticated, match="unknown API key"):
        authenticate(db.keys, keys.api_key, keys.app_key)
    # The application key itself is still good as a bearer key.
    assert authenticate(db.keys, None, keys.app_key).user_id == keys.user_id


def test_a_disabled_users_keys_are_refused_on_the_next_check(db: Container) -> None:
    keys = new_keys(db)
    assert authenticate(db.keys, keys.api_key, keys.app_key).user_id == keys.user_id
    db.bus.handle(uc.DisableUser(keys.user_id), Principal.operator())
    for api_key in (keys.api_key, None):
        with pytest.raises(Unauthenticated, match="disabled"):
            authenticate(db.keys, api_key, keys.app_key)
