"""The bulk update handler over the in-memory unit of work: all or nothing, and which request
item a refusal names."""

from __future__ import annotations

import uuid

import pytest

from casedesk.domain import users as uc
from casedesk.domain.cases import commands as c
from casedesk.domain.errors import Forbidden, InvalidTransition, ValidationFailed
from casedesk.domain.events import CaseEvent
from casedesk.domain.ids import CaseRef, UserRef
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import Principal
from casedesk.domain.vocab import SECURITY_CASE_TYPE_ID, STANDARD_CASE_TYPE_ID, CaseStatus, Priority, Scope
from casedesk.services.bus import MessageBus
from casedesk.services.cases.bulk import _lock_order
from tests.fakes import Store, fake_bus, principal


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def bus(store: Store) -> MessageBus:
    return fake_bus(store)


@pytest.fixture
def admin(bus: MessageBus) -> Principal:
    user_id = bus.handle(uc.CreateUser(email="admin@example.com", name="Admin"), Principal.operator())
    bus.handle(pc.CreateProject(name="Operations", key="OPS"), principal(user_id, *Scope.all()))
    return principal(user_id, *Scope.all(), email="admin@example.com")


def new_case(bus: MessageBus, who: Principal, type_id: uuid.UUID = STANDARD_CASE_TYPE_ID) -> CaseRef:
    return CaseRef(id=bus.handle(c.CreateCase(title="Disk full", project="OPS", type_id=type_id), who))


def priorities(refs: list[CaseRef], priority: Priority = Priority.P1) -> c.BulkUpdateCases:
    return c.BulkUpdateCases(tuple(c.ChangeCasePriority(ref, priority) for ref in refs))


def test_every_case_changes_in_one_commit(bus: MessageBus, store: Store, admin: Principal) -> None:
    refs = [new_case(bus, admin) for _ in range(3)]
    commits, outbox = store.commits, len(store.outbox)

    done = bus.handle(priorities(refs), admin)

    assert done == [ref.id for ref in refs]
    assert store.commits == commits + 1
    assert all(store.cases[ref.id].priority is Priority.P1 for ref in refs if ref.id)
    added = store.outbox[outbox:]
    assert [e.kind for e in added] == [CaseEvent.PRIORITY_CHANGED] * 3
    assert {e.subject_id for e in added} == {ref.id for ref in refs}


def test_a_refused_case_refuses_the_batch_and_names_its_index(
    bus: MessageBus, store: Store, admin: Principal
) -> None:
    refs = [new_case(bus, admin), new_case(bus, admin), new_case(bus, admin, SECURITY_CASE_TYPE_ID)]
    before, commits = {i: (case.status, case.modified_at) for i, case in store.cases.items()}, store.commits
    command = c.BulkUpdateCases(tuple(c.ChangeCaseStatus(ref, CaseStatus.CLOSED) for ref in refs))

    with pytest.raises(InvalidTransition) as refused:
        bus.handle(command, admin)

    assert refused.value.field == "changes/2"
    assert refused.value.message.startswith("OPS-3: a Security case cannot be closed")
    assert store.commits == commits
    assert {i: (case.status, case.modified_at) for i, case in store.cases.items()} == before


def test_an_unknown_case_is_named_by_index(bus: MessageBus, store: Store, admin: Principal) -> None:
    refs = [new_case(bus, admin), CaseRef(key="OPS-99")]
    with pytest.raises(ValidationFailed) as refused:
        bus.handle(priorities(refs), admin)
    assert (refused.value.field, refused.value.message) == ("changes/1", "case OPS-99 not found")
    assert store.cases[refs[0].id or uuid.uuid4()].priority is Priority.NOT_DEFINED


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


def test_a_reader_may_not(bus: MessageBus, admin: Principal) -> None:
    ref = new_case(bus, admin)
    with pytest.raises(Forbidden):
        bus.handle(priorities([ref]), principal(admin.user_id, Scope.CASES_READ))


def test_cases_load_in_one_global_order() -> None:
    a, b = uuid.UUID(int=1), uuid.UUID(int=2)
    changes = (
        c.ArchiveCase(CaseRef(key="OPS-2")),
        c.ArchiveCase(CaseRef(id=b)),
        c.ArchiveCase(CaseRef(key="OPS-1")),
        c.ArchiveCase(CaseRef(id=a)),
    )
    assert [index for index, _ in _lock_order(changes)] == [3, 1, 2, 0]
