"""The Case aggregate's extra rules (assignees, tags, metadata, closure conditions) and their
handlers, without a database."""

from __future__ import annotations

import uuid

import pytest

from casedesk.domain import commands as c
from casedesk.domain.cases import commands as x
from casedesk.domain.cases.closure import priority_from_word, priority_word
from casedesk.domain.cases.mixin import ClosureCondition, ClosureRefused
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import CaseRef
from casedesk.domain.projects.project import Project
from casedesk.domain.users import User
from casedesk.domain.vocab import CaseStatus, Priority, Scope
from tests.fakes import NOW, Store, fake_bus, principal


def setup() -> tuple[Store, uuid.UUID, list[User]]:
    store = Store()
    people = [User.create(email=f"u{i}@example.com", name=f"User {i}", title=None, now=NOW) for i in range(3)]
    for person in people:
        store.users[person.id] = person
    project = Project.create(name="Ops", key="OPS", handle=None, actor=people[0].id, now=NOW)
    store.projects[project.id] = project
    store.last_case_numbers[project.id] = 0
    return store, project.id, people


def test_priority_words_map_onto_the_domain_scale() -> None:
    assert [priority_from_word(w) for w in ("critical", "HIGH", "Medium", "low", "info")] == [
        Priority.P1, Priority.P2, Priority.P3, Priority.P4, Priority.P5,
    ]  # fmt: skip
    assert priority_word(Priority.P2) == "HIGH"
    assert priority_word(Priority.NOT_DEFINED) is None
    with pytest.raises(ValidationFailed):
        priority_from_word("urgent")


def test_a_condition_that_does_not_parse_is_refused_with_its_name() -> None:
    with pytest.raises(ValidationFailed, match="'needs tags'") as raised:
        ClosureCondition("needs tags", "=SIZE(")
    assert raised.value.field == "closure_conditions"


def test_every_close_path_obeys_closure_conditions() -> None:
    store, project_id, people = setup()
    bus = fake_bus(store)
    who = principal(people[0].id, Scope.CASES_WRITE)
    guard = ClosureCondition("two assignees", "=SIZE(team_case.assignees) >= 2")
    case_id = bus.handle(
        x.OpenCase(project=str(project_id), title="Guarded", closure_conditions=(guard,)), who
    )
    ref = CaseRef(id=case_id)
    for command in (
        c.ChangeCaseStatus(ref, CaseStatus.CLOSED),
        x.UpdateCase(ref, status=CaseStatus.CLOSED),
        c.BulkUpdateCases((c.ChangeCaseStatus(ref, CaseStatus.CLOSED),)),
    ):
        with pytest.raises(ClosureRefused):
            bus.handle(command, who)
    assert store.cases[case_id].status is CaseStatus.OPEN
    bus.handle(x.UpdateCase(ref, add_assignee_emails=(people[1].email,)), who)
    bus.handle(c.ChangeCaseStatus(ref, CaseStatus.CLOSED), who)
    case = store.cases[case_id]
    assert (case.status, case.closed_by) == (CaseStatus.CLOSED, people[0].id)


def test_a_formula_that_fails_to_evaluate_counts_as_false() -> None:
    store, project_id, people = setup()
    bus = fake_bus(store)
    who = principal(people[0].id, Scope.CASES_WRITE)
    broken = ClosureCondition("bad maths", "=team_case.name + 1")
    case_id = bus.handle(x.OpenCase(project=str(project_id), title="t", closure_conditions=(broken,)), who)
    with pytest.raises(ClosureRefused, match="bad maths") as raised:
        bus.handle(c.ChangeCaseStatus(CaseRef(id=case_id), CaseStatus.CLOSED), who)
    assert [cond.name for cond in raised.value.failing] == ["bad maths"]


def test_assignees_tags_and_metadata_record_events() -> None:
    store, project_id, people = setup()
    bus = fake_bus(store)
    who = principal(people[0].id, Scope.CASES_WRITE)
    emails = tuple(p.email for p in people[1:])
    case_id = bus.handle(
        x.OpenCase(
            project=str(project_id), title="t", assignee_emails=emails, tags=("a",), metadata={"k": 1}
        ),
        who,
    )
    case = store.cases[case_id]
    assert case.assignee_id == people[1].id
    assert case.assignee_ids == [people[1].id, people[2].id]
    assert case.attributes == {"tags": ["a"]}
    assert [e.kind for e in store.timeline] == [
        "case.created", "case.assigned", "case.assignee_added", "case.tags_added",
    ]  # fmt: skip
    bus.handle(c.UnassignCase(CaseRef(id=case_id)), who)
    assert store.cases[case_id].assignee_ids == []
    assert [e.kind for e in store.timeline[-2:]] == ["case.unassigned", "case.assignee_removed"]


def test_malformed_values_are_refused_before_the_project_is_looked_up() -> None:
    store, _, people = setup()
    bus = fake_bus(store)
    who = principal(people[0].id, Scope.CASES_WRITE)
    for command, field in (
        (x.OpenCase(project="NOPE", title=""), "title"),
        (x.OpenCase(project="NOPE", title="t", tags=("",)), "tag_names"),
        (x.OpenCase(project="NOPE", title="t", assignee_emails=("bad",)), "assignee_emails"),
        (x.OpenCase(project="NOPE", title="t", record_ids=(-1,)), "record_ids"),
        (x.OpenCase(project="NOPE", title="t", resolved_at=NOW), "resolved_at"),
    ):
        with pytest.raises(ValidationFailed) as raised:
            bus.handle(command, who)
        assert raised.value.field == field
    assert store.commits == 0
