"""Links between cases on the real unit of work: recorded on both cases, refused twice, ends
checked before anything is looked up."""

from __future__ import annotations

import uuid

import pytest

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from casedesk.domain.cases.links import CreateCaseLink, DeleteCaseLink, EntityRef, EntityType, Relationship
from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.events import CaseEvent
from casedesk.domain.users import Principal
from casedesk.services.bus import MessageBus
from casedesk.services.ports.access import Visibility
from tests.integration.helpers import Transactions, events, kinds, rows


def case_end(text: str) -> EntityRef:
    return EntityRef.parse("CASE", text, type_field="parent_entity_type", id_field="parent_entity_id")


def test_a_link_is_recorded_on_both_cases_and_refused_twice(
    db: Container, bus: MessageBus, admin: Principal, two_cases: tuple[uuid.UUID, uuid.UUID]
) -> None:
    first, second = two_cases
    link_id = bus.handle(CreateCaseLink(case_end("OPS-1"), case_end(str(second)), Relationship.BLOCKS), admin)
    link = db.read.case_link(Visibility.everything(), link_id)
    assert (link.parent.id, link.child.id, link.relationship) == (first, second, Relationship.BLOCKS)
    assert kinds(events(db, t.timeline_events, first))[-1] == CaseEvent.LINKED
    assert kinds(events(db, t.timeline_events, second))[-1] == CaseEvent.LINKED
    last = events(db, t.timeline_events)[-1]
    assert last["data"]["parent"] == {"type": "CASE", "id": str(first), "key": "OPS-1"}

    with Transactions(db) as transactions, pytest.raises(ValidationFailed) as duplicate:
        bus.handle(CreateCaseLink(case_end(str(first)), case_end("OPS-2"), Relationship.BLOCKS), admin)
    assert duplicate.value.field == "relationship"
    assert transactions.committed == 0

    bus.handle(DeleteCaseLink(link_id), admin)
    assert rows(db, t.case_links, "id") == []
    with pytest.raises(NotFound):
        db.read.case_link(Visibility.everything(), link_id)
    assert kinds(events(db, t.timeline_events, first))[-1] == CaseEvent.UNLINKED
    assert kinds(events(db, t.timeline_events, second))[-1] == CaseEvent.UNLINKED


def test_link_ends_are_checked_before_lookup(bus: MessageBus, admin: Principal) -> None:
    incident = EntityRef(EntityType.INCIDENT, uuid.uuid4())
    page = EntityRef(EntityType.PAGE, uuid.uuid4())
    with pytest.raises(ValidationFailed) as no_case:
        bus.handle(CreateCaseLink(incident, page, Relationship.CAUSES), admin)
    assert no_case.value.field == "parent_entity_type"
    with pytest.raises(ValidationFailed) as itself:
        bus.handle(CreateCaseLink(case_end("OPS-9"), case_end("ops-9"), Relationship.CAUSES), admin)
    assert itself.value.field == "child_entity_id"
    with pytest.raises(NotFound):
        bus.handle(CreateCaseLink(case_end("OPS-9"), incident, Relationship.CAUSES), admin)


@pytest.mark.parametrize(("parent", "child"), [("OPS-8", "OPS-9"), ("OPS-9", "OPS-8")])
def test_when_both_ends_are_unknown_the_parent_is_named_whatever_the_lock_order(
    bus: MessageBus, admin: Principal, parent: str, child: str
) -> None:
    with pytest.raises(NotFound) as unknown:
        bus.handle(CreateCaseLink(case_end(parent), case_end(child), Relationship.CAUSES), admin)
    assert (unknown.value.resource, unknown.value.ref) == ("parent case", case_end(parent).ref)
