"""Links, watchers, moves, views and maintenance windows over the in-memory unit of work."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from casedesk.domain import maintenance as mc
from casedesk.domain import users as uc
from casedesk.domain.cases import commands as c
from casedesk.domain.cases.links import CreateCaseLink, DeleteCaseLink, EntityRef, EntityType, Relationship
from casedesk.domain.cases.views import CreateCaseView, UpdateCaseView
from casedesk.domain.errors import Forbidden, NotFound, ValidationFailed
from casedesk.domain.events import CaseEvent
from casedesk.domain.ids import CaseRef, UserRef
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import Principal
from casedesk.domain.vocab import STANDARD_CASE_TYPE_ID, Scope
from casedesk.services.bus import MessageBus
from tests.fakes import NOW, Store, fake_bus, principal


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def bus(store: Store) -> MessageBus:
    return fake_bus(store)


@pytest.fixture
def admin(bus: MessageBus) -> Principal:
    user_id = bus.handle(uc.CreateUser(email="admin@example.com", name="Admin"), Principal.operator())
    return Principal(user_id=user_id, email="admin@example.com", scopes=Scope.all())


@pytest.fixture
def cases(bus: MessageBus, admin: Principal) -> tuple[uuid.UUID, uuid.UUID]:
    bus.handle(pc.CreateProject(name="Operations", key="ops"), admin)
    bus.handle(pc.CreateProject(name="Security", key="sec"), admin)
    create = c.CreateCase(title="Disk full", type_id=STANDARD_CASE_TYPE_ID, project="OPS")
    return bus.handle(create, admin), bus.handle(create, admin)


def case_end(text: str) -> EntityRef:
    return EntityRef.parse("CASE", text, type_field="parent_entity_type", id_field="parent_entity_id")


def kinds(store: Store, case_id: uuid.UUID) -> list[str]:
    return [e.kind for e in store.timeline if e.subject_id == case_id]


def test_a_link_is_recorded_on_both_cases_and_refused_twice(
    bus: MessageBus, store: Store, admin: Principal, cases: tuple[uuid.UUID, uuid.UUID]
) -> None:
    first, second = cases
    link_id = bus.handle(CreateCaseLink(case_end("OPS-1"), case_end(str(second)), Relationship.BLOCKS), admin)
    link = store.links[link_id]
    assert (link.parent.id, link.child.id) == (first, second)
    assert kinds(store, first)[-1] == kinds(store, second)[-1] == CaseEvent.LINKED
    assert store.timeline[-1].data["parent"] == {"type": "CASE", "id": str(first), "key": "OPS-1"}

    commits = store.commits
    with pytest.raises(ValidationFailed) as duplicate:
        bus.handle(CreateCaseLink(case_end(str(first)), case_end("OPS-2"), Relationship.BLOCKS), admin)
    assert duplicate.value.field == "relationship"
    assert store.commits == commits

    bus.handle(DeleteCaseLink(link_id), admin)
    assert store.links == {}
    assert kinds(store, first)[-1] == kinds(store, second)[-1] == CaseEvent.UNLINKED


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


def test_watching_is_idempotent_and_outbox_only(
    bus: MessageBus, store: Store, admin: Principal, cases: tuple[uuid.UUID, uuid.UUID]
) -> None:
    first, _ = cases
    before = store.cases[first].modified_at
    for _ in range(2):
        bus.handle(c.WatchCase(CaseRef(id=first), UserRef(id=admin.user_id)), admin)
    assert list(store.watchers) == [(first, admin.user_id)]
    assert [e.kind for e in store.outbox if e.subject_id == first].count(CaseEvent.WATCHER_ADDED) == 1
    assert CaseEvent.WATCHER_ADDED not in kinds(store, first)
    assert store.cases[first].modified_at == before
    with pytest.raises(NotFound):
        bus.handle(c.WatchCase(CaseRef(id=first), UserRef(id=uuid.uuid4())), admin)


def test_a_moved_case_keeps_its_old_key(
    bus: MessageBus, store: Store, admin: Principal, cases: tuple[uuid.UUID, uuid.UUID]
) -> None:
    first, _ = cases
    bus.handle(c.MoveCaseToProject(CaseRef(key="OPS-1"), "sec"), admin)
    assert store.cases[first].key == "SEC-1"
    assert store.key_aliases == {"OPS-1": first}
    assert store.timeline[-1].kind == CaseEvent.MOVED
    assert store.timeline[-1].data["old"] == "OPS-1"
    bus.handle(c.MoveCaseToProject(CaseRef(key="OPS-1"), "SEC"), admin)  # already there
    assert store.cases[first].key == "SEC-1"


def test_view_queries_are_parsed_on_every_write(
    bus: MessageBus, store: Store, admin: Principal, cases: tuple[uuid.UUID, uuid.UUID]
) -> None:
    project_id = store.cases[cases[0]].project_id
    view_id = bus.handle(CreateCaseView(project_id, "Mine", "assignee:me status:open"), admin)
    assert store.views[view_id].query == "assignee:me status:open"
    for command in (
        CreateCaseView(uuid.uuid4(), "Broken", "status:(open"),
        UpdateCaseView(uuid.uuid4(), query="priority:P9"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            bus.handle(command, admin)
        assert refused.value.field == "query"


def test_maintenance_windows_need_the_event_management_scope(bus: MessageBus, admin: Principal) -> None:
    create = mc.CreateMaintenanceWindow("Night", "project:OPS", NOW, NOW + timedelta(hours=2))
    with pytest.raises(Forbidden):
        bus.handle(create, principal(admin.user_id, Scope.CASES_WRITE))
    bus.handle(create, principal(admin.user_id, Scope.EVENT_CORRELATION_CONFIG_WRITE))
    with pytest.raises(ValidationFailed) as backwards:
        bus.handle(mc.CreateMaintenanceWindow("Oops", "", NOW, NOW - timedelta(hours=1)), admin)
    assert backwards.value.field == "end_at"
