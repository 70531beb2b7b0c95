"""User and key handlers on the real unit of work: unique emails, keys only for active users,
and keys stored as digests."""

from __future__ import annotations

import pytest

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from casedesk.domain import users as uc
from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.users import IssuedKeys, Principal
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
