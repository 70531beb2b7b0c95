"""Assignee lists, tags, metadata and closure conditions through their commands and handlers,
on the real unit of work."""

from __future__ import annotations

import uuid

import pytest

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from casedesk.domain import users as uc
from casedesk.domain.cases import commands as c
from casedesk.domain.cases.closure import ClosureCondition, ClosureRefused
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.events import CaseEvent
from casedesk.domain.ids import CaseRef, UserRef
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import Principal
from casedesk.domain.vocab import CaseStatus, Scope
from casedesk.services.bus import MessageBus
from casedesk.services.ports.access import Visibility
from tests.integration.helpers import NOW, Transactions, events, kinds, principal


@pytest.fixture
def people(bus: MessageBus) -> list[uuid.UUID]:
    """Three users; the first may write cases in the project OPS."""
    return [
        bus.handle(uc.CreateUser(email=f"u{i}@example.com", name=f"User {i}"), Principal.operator())
        for i in range(3)
    ]


@pytest.fixture
def project_id(bus: MessageBus, people: list[uuid.UUID]) -> uuid.UUID:
    created: uuid.UUID = bus.handle(
        pc.CreateProject(name="Ops", key="OPS"), principal(people[0], *Scope.all())
    )
    return created


@pytest.fixture
def who(people: list[uuid.UUID], project_id: uuid.UUID) -> Principal:
    return principal(people[0], Scope.CASES_WRITE, email="u0@example.com")


def test_every_close_path_obeys_closure_conditions(
    db: Container, bus: MessageBus, people: list[uuid.UUID], project_id: uuid.UUID, who: Principal
) -> None:
    guard = ClosureCondition("two assignees", "=SIZE(team_case.assignees) >= 2")
    case_id = bus.handle(
        c.CreateCase(project=str(project_id), title="Guarded", closure_conditions=(guard,)), who
    )
    ref = CaseRef(id=case_id)
    for command in (
        c.ChangeCaseStatus(ref, CaseStatus.CLOSED),
        c.ChangeCase(ref, (c.ChangeCaseStatus(ref, CaseStatus.CLOSED),)),
        c.BulkUpdateCases((c.ChangeCaseStatus(ref, CaseStatus.CLOSED),)),
    ):
        with pytest.raises(ClosureRefused):
            bus.handle(command, who)
    assert db.read.case(Visibility.everything(), ref).case.status is CaseStatus.OPEN
    # The status change of a composite change runs last, whatever its place in the request.
    two = (UserRef(email="u0@example.com"), UserRef(email="u1@example.com"))
    closing = (c.ChangeCaseStatus(ref, CaseStatus.CLOSED), c.ChangeCaseAssignees(ref, add_assignees=two))
    bus.handle(c.ChangeCase(ref, closing), who)
    assert db.read.case(Visibility.everything(), ref).case.status is CaseStatus.CLOSED
    bus.handle(c.ChangeCaseStatus(ref, CaseStatus.OPEN), who)
    bus.handle(c.ChangeCaseAssignees(ref, remove_assignees=two[1:]), who)
    bus.handle(c.ChangeCaseAssignees(ref, add_assignees=two[1:]), who)
    bus.handle(c.ChangeCaseStatus(ref, CaseStatus.CLOSED), who)
    case = db.read.case(Visibility.everything(), ref).case
    assert (case.status, case.closed_by) == (CaseStatus.CLOSED, people[0])


def test_a_formula_that_fails_to_evaluate_counts_as_false(
    bus: MessageBus, project_id: uuid.UUID, who: Principal
) -> None:
    broken = ClosureCondition("bad maths", "=team_case.name + 1")
    case_id = bus.handle(c.CreateCase(project=str(project_id), title="t", closure_conditions=(broken,)), who)
    with pytest.raises(ClosureRefused, match="bad maths") as raised:
        bus.handle(c.ChangeCaseStatus(CaseRef(id=case_id), CaseStatus.CLOSED), who)
    assert [cond.name for cond in raised.value.failing] == ["bad maths"]


def test_assignees_tags_and_metadata_record_events(
    db: Container, bus: MessageBus, people: list[uuid.UUID], project_id: uuid.UUID, who: Principal
) -> None:
    refs = (UserRef(email="u1@example.com"), UserRef(email="u2@example.com"))
    case_id = bus.handle(
        c.CreateCase(project=str(project_id), title="t", assignees=refs, tags=("a",), metadata={"k": 1}),
        who,
    )
    case = db.read.case(Visibility.everything(), CaseRef(id=case_id)).case
    assert case.assignee_id == people[1]
    assert case.assignee_ids == (people[1], people[2])
    assert case.attributes == {"tags": ["a"]}
    assert case.metadata == {"k": 1}
    assert kinds(events(db, t.timeline_events)) == [
        CaseEvent.CREATED, CaseEvent.ASSIGNED, CaseEvent.ASSIGNEE_ADDED, CaseEvent.TAGS_ADDED,
    ]  # fmt: skip
    bus.handle(c.UnassignCase(CaseRef(id=case_id)), who)
    assert db.read.case(Visibility.everything(), CaseRef(id=case_id)).case.assignee_ids == ()
    assert kinds(events(db, t.timeline_events)[-2:]) == [CaseEvent.UNASSIGNED, CaseEvent.ASSIGNEE_REMOVED]


def test_malformed_values_are_refused_before_the_project_is_looked_up(db: Container, who: Principal) -> None:
    malformed = (
        (lambda: c.CreateCase(project="NOPE", title=""), "title"),
        (lambda: c.CreateCase(project="NOPE", title="t", tags=("",)), "tags"),
        (lambda: c.CreateCase(project="NOPE", title="t", assignees=(UserRef.of_email("bad", "assignees"),)),
         "assignees"),
        (lambda: c.CreateCase(project="NOPE", title="t", record_ids=(-1,)), "record_ids"),
        (lambda: c.CreateCase(project="NOPE", title="t", resolved_at=NOW), "resolved_at"),
    )  # fmt: skip
    with Transactions(db) as transactions:
        for build, field in malformed:
            with pytest.raises(ValidationFailed) as raised:
                db.bus.handle(build(), who)
            assert raised.value.field == field
    assert transactions.begun == 0
