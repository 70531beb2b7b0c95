"""Watching a case on the real unit of work."""

from __future__ import annotations

import uuid

import pytest

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from casedesk.domain.cases import commands as c
from casedesk.domain.errors import NotFound
from casedesk.domain.events import CaseEvent
from casedesk.domain.ids import CaseRef, UserRef
from casedesk.domain.users import Principal
from casedesk.services.bus import MessageBus
from casedesk.services.ports.access import Visibility
from tests.integration.helpers import events, kinds, rows


def test_watching_is_idempotent_and_outbox_only(
    db: Container, bus: MessageBus, admin: Principal, two_cases: tuple[uuid.UUID, uuid.UUID]
) -> None:
    first, _ = two_cases
    before = db.read.case(Visibility.everything(), CaseRef(id=first)).case.modified_at
    for _ in range(2):
        bus.handle(c.WatchCase(CaseRef(id=first), UserRef(id=admin.user_id)), admin)
    assert rows(db, t.case_watchers, "case_id", "user_id") == [(first, admin.user_id)]
    assert kinds(events(db, t.outbox, first)).count(CaseEvent.WATCHER_ADDED) == 1
    assert CaseEvent.WATCHER_ADDED not in kinds(events(db, t.timeline_events, first))
    assert db.read.case(Visibility.everything(), CaseRef(id=first)).case.modified_at == before
    with pytest.raises(NotFound):
        bus.handle(c.WatchCase(CaseRef(id=first), UserRef(id=uuid.uuid4())), admin)
