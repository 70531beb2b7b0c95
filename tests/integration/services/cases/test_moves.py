"""Moving a case to another project on the real unit of work."""

from __future__ import annotations

import uuid

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from casedesk.domain.cases import commands as c
from casedesk.domain.events import CaseEvent
from casedesk.domain.ids import CaseRef
from casedesk.domain.users import Principal
from casedesk.services.bus import MessageBus
from casedesk.services.ports.access import Visibility
from tests.integration.helpers import events, rows


def test_a_moved_case_keeps_its_old_key(
    db: Container, bus: MessageBus, admin: Principal, two_cases: tuple[uuid.UUID, uuid.UUID]
) -> None:
    first, _ = two_cases
    bus.handle(c.MoveCaseToProject(CaseRef(key="OPS-1"), "sec"), admin)
    assert db.read.case(Visibility.everything(), CaseRef(id=first)).case.key == "SEC-1"
    assert rows(db, t.case_key_aliases, "key", "case_id") == [("OPS-1", first)]
    assert db.read.case(Visibility.everything(), CaseRef(key="OPS-1")).case.id == first
    moved = events(db, t.timeline_events)[-1]
    assert (moved["kind"], moved["data"]["old"]) == (CaseEvent.MOVED, "OPS-1")
    bus.handle(c.MoveCaseToProject(CaseRef(key="OPS-1"), "SEC"), admin)  # already there
    assert db.read.case(Visibility.everything(), CaseRef(id=first)).case.key == "SEC-1"
    assert events(db, t.timeline_events)[-1]["seq"] == moved["seq"]
