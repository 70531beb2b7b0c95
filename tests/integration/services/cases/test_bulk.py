"""The bulk update handler on the real unit of work: all or nothing, and which request item a
refusal names."""

from __future__ import annotations

import uuid

import pytest

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from casedesk.domain.cases import commands as c
from casedesk.domain.errors import Forbidden, InvalidTransition, ValidationFailed
from casedesk.domain.events import CaseEvent
from casedesk.domain.ids import CaseRef, UserRef
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import Principal
from casedesk.domain.vocab import SECURITY_CASE_TYPE_ID, STANDARD_CASE_TYPE_ID, CaseStatus, Priority, Scope
from casedesk.services.bus import MessageBus
from casedesk.services.cases.bulk import _lock_order
from casedesk.services.ports.access import Visibility
from tests.integration.helpers import Transactions, events, kinds, principal, rows


@pytest.fixture
def admin(bus: MessageBus, admin: Principal) -> Principal:
    """The suite's admin, with the project OPS to put cases in."""
    bus.handle(pc.CreateProject(name="Operations", key="OPS"), admin)
    return admin


def new_case(bus: MessageBus, who: Principal, type_id: uuid.UUID = STANDARD_CASE_TYPE_ID) -> CaseRef:
    return CaseRef(id=bus.handle(c.CreateCase(title="Disk full", project="OPS", type_id=type_id), who))


def priorities(refs: list[CaseRef], priority: Priority = Priority.P1) -> c.BulkUpdateCases:
    return c.BulkUpdateCases(tuple(c.ChangeCasePriority(ref, priority) for ref in refs))


def test_every_case_changes_in_one_commit(db: Container, bus: MessageBus, admin: Principal) -> None:
    refs = [new_case(bus, admin) for _ in range(3)]
    outbox = len(events(db, t.outbox))

    with Transactions(db) as transactions:
        done = bus.handle(priorities(refs), admin)

    assert done == [ref.id for ref in refs]
    assert (transactions.begun, transactions.committed) == (1, 1)
    assert all(db.read.case(Visibility.everything(), ref).case.priority is Priority.P1 for ref in refs)
    added = events(db, t.outbox)[outbox:]
    assert kinds(added) == [CaseEvent.PRIORITY_CHANGED] * 3
    assert {row["subject_id"] for row in added} == {ref.id for ref in refs}


def test_a_refused_case_refuses_the_batch_and_names_its_index(
    db: Container, bus: MessageBus, admin: Principal
) -> None:
    refs = [new_case(bus, admin), new_case(bus, admin), new_case(bus, admin, SECURITY_CASE_TYPE_ID)]
    before = rows(db, t.cases, "id", "status", "modified_at")
    outbox = len(events(db, t.outbox))
    command = c.BulkUpdateCases(tuple(c.ChangeCaseStatus(ref, CaseStatus.CLOSED) for ref in refs))

    with Transactions(db) as transactions, pytest.raises(InvalidTransition) as refused:
        bus.handle(command, admin)

    assert refused.value.field == "changes/2"
    assert refused.value.message.startswith("OPS-3: a Security case cannot be closed")
    assert transactions.committed == 0
    assert rows(db, t.cases, "id", "status", "modified_at") == before
    assert len(events(db, t.outbox)) == outbox


def test_an_unknown_case_is_named_by_index(db: Container, bus: MessageBus, admin: Principal) -> None:
    refs = [new_case(bus, admin), CaseRef(key="OPS-99")]
    with pytest.raises(ValidationFailed) as refused:
        bus.handle(priorities(refs), admin)
    assert (refused.value.field, refused.value.message) == ("changes/1", "case OPS-99 not found")
    assert db.read.case(Visibility.everything(), refs[0]).case.priority is Priority.NOT_DEFINED


def test_a_bad_shared_value_names_the_value(bus: MessageBus, admin: Principal) -> None:
    refs = [new_case(bus, admin), new_case(bus, admin)]
    nobody = uuid.uuid4()
    with pytest.raises(ValidationFailed) as refused:
        bus.handle(c.BulkUpdateCases(tuple(c.AssignCase(ref, UserRef(id=nobody)) for ref in refs)), admin)
    assert refused.value.field == "assignee"
    assert refused.value.message == f"user {nobody} does not exist"


@pytest.mark.parametrize("count", [0, c.BULK_MAX_CASES + 1])
def test_the_batch_size_is_bounded(bus: MessageBus, admin: Principal, count: int) -> None:
    with pytest.raises(ValidationFailed) as refused:
        bus.handle(priorities([CaseRef(key="OPS-1")] * count), admin)
    assert refused.value.field == "changes"


def test_only_the_listed_changes_apply_in_bulk(bus: MessageBus, admin: Principal) -> None:
    ref = new_case(bus, admin)
    with pytest.raises(ValidationFailed) as refused:
        bus.handle(c.BulkUpdateCases((c.RetitleCase(ref, "New"),)), admin)
    assert refused.value.field == "type"


def test_a_reader_may_not(db: Container, bus: MessageBus, admin: Principal) -> None:
    ref = new_case(bus, admin)
    with Transactions(db) as transactions, pytest.raises(Forbidden):
        bus.handle(priorities([ref]), principal(admin.user_id, Scope.CASES_READ))
    assert transactions.begun == 0


def test_cases_load_in_one_global_order() -> None:
    a, b = uuid.UUID(int=1), uuid.UUID(int=2)
    changes = (
        c.ArchiveCase(CaseRef(key="OPS-2")),
        c.ArchiveCase(CaseRef(id=b)),
        c.ArchiveCase(CaseRef(key="OPS-1")),
        c.ArchiveCase(CaseRef(id=a)),
    )
    assert [index for index, _ in _lock_order(changes)] == [3, 1, 2, 0]
