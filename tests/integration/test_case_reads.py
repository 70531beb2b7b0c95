"""The one case query on the real database: read objects with what was included and nothing
else, activities cut in SQL, the neutral sorts."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from casedesk.bootstrap import Container
from casedesk.domain import users as uc
from casedesk.domain.cases import commands as x
from casedesk.domain.cases.attachments import ButtonSpec, RecordField
from casedesk.domain.cases.closure import ClosureCondition
from casedesk.domain.cases.links import CreateCaseLink, EntityRef, EntityType, Relationship
from casedesk.domain.ids import CaseRef, UserRef
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import Principal
from casedesk.domain.vocab import CaseStatus, Priority
from casedesk.services.ports.access import Visibility
from casedesk.services.ports.case_queries import (
    ACTIVITIES_MAX,
    CaseQuery,
    CaseSort,
    CaseSortField,
    Include,
    LinkedCase,
)
from casedesk.services.search import predicates as p
from casedesk.services.search.predicates import And, RefIs, TextMatch
from tests.integration.helpers import new_key

EVERYTHING = frozenset(Include)


@pytest.fixture
def statements(db: Container) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


@pytest.fixture
def people(db: Container) -> dict[str, Any]:
    suffix = uuid.uuid4().hex[:6]
    found: dict[str, Any] = {}
    for name in ("ann", "bob"):
        email = f"{name}.{suffix}@example.com"
        found[name] = email
        found[f"{name}_id"] = db.bus.handle(
            uc.CreateUser(email=email, name=name.title()), Principal.operator()
        )
    return found


@pytest.fixture
def team(db: Container, admin: Principal) -> str:
    key = new_key()
    db.bus.handle(pc.CreateProject(name="Reads", key=key), admin)
    return key


def open_case(db: Container, admin: Principal, team: str, title: str, **fields: Any) -> CaseRef:
    """A case as Tines creates one: priority low and the caller assigned unless told otherwise."""
    emails = fields.pop("assignee_emails", None)
    assignees = (
        tuple(UserRef(email=e) for e in emails) if emails is not None else (UserRef(id=admin.user_id),)
    )
    fields.setdefault("priority", Priority.P4)
    case_id = db.bus.handle(x.CreateCase(project=team, title=title, assignees=assignees, **fields), admin)
    return CaseRef(id=case_id)


def test_a_case_with_every_include(
    db: Container, admin: Principal, team: str, people: dict[str, Any]
) -> None:
    record = db.bus.handle(x.CreateRecord((RecordField("ip", "10.0.0.1"),)), admin)
    ref = open_case(
        db, admin, team, "Disk full",
        assignee_emails=(people["ann"], people["bob"]), tags=("db", "prod"), metadata={"env": "prod"},
        record_ids=(record,), buttons=(ButtonSpec("page", "https://example.com/run", "Run", "Go"),),
        closure_conditions=(ClosureCondition("assigned", "=SIZE(team_case.assignees) > 0"),),
        priority=Priority.P2,
    )  # fmt: skip
    other = open_case(db, admin, team, "Related")
    number = db.read.case(Visibility.everything(), other).case.number
    ends = (EntityRef(EntityType.CASE, ref), EntityRef(EntityType.CASE, CaseRef(number=number)))
    db.bus.handle(CreateCaseLink(*ends, Relationship.RELATES_TO, exists_ok=True), admin)
    db.bus.handle(x.WatchCase(ref, UserRef(email=people["bob"])), admin)
    db.bus.handle(x.CommentOnCase(ref, "looking"), admin)

    detail = db.read.case(Visibility.everything(), ref, EVERYTHING)

    case = detail.case
    assert (case.title, case.priority, case.status) == ("Disk full", Priority.P2, CaseStatus.OPEN)
    assert case.assignee_ids == (people["ann_id"], people["bob_id"])
    assert case.assignee_id == people["ann_id"]
    assert case.attributes["tags"] == ["db", "prod"]
    assert case.metadata == {"env": "prod"}
    assert case.closure_conditions == ({"name": "assigned", "formula": "=SIZE(team_case.assignees) > 0"},)
    assert {people["ann_id"], people["bob_id"], admin.user_id} <= set(detail.users)
    assert detail.project is not None
    assert detail.project.key == team
    assert [r.id for r in detail.records] == [record]
    assert [dict(result)["value"] for result in detail.records[0].results] == ["10.0.0.1"]
    assert [b.spec.label for b in detail.buttons] == ["Run"]
    assert detail.linked == (LinkedCase(number, "Related"),)
    assert [w.email for w in detail.watchers] == [people["bob"]]
    kinds = [a.kind for a in detail.activities]
    assert kinds[0] == "case.created"
    assert kinds[-1] == "case.commented"
    assert [a.id for a in detail.activities] == sorted(a.id for a in detail.activities)
    assert detail.case_numbers[db.read.case(Visibility.everything(), other).case.id] == number


def test_what_is_not_included_is_neither_read_nor_answered(
    db: Container, admin: Principal, team: str, people: dict[str, Any], statements: list[str]
) -> None:
    ref = open_case(
        db, admin, team, "Bare",
        assignee_emails=(people["ann"],),
        buttons=(ButtonSpec("page", "https://example.com", "Run", "Go"),),
    )  # fmt: skip
    db.bus.handle(x.WatchCase(ref, UserRef(email=people["bob"])), admin)
    statements.clear()

    detail = db.read.case(Visibility.everything(), ref)

    assert detail.case.metadata == {}
    assert detail.case.assignee_ids == (people["ann_id"],)
    assert (detail.activities, detail.buttons, detail.records, detail.linked, detail.watchers) == (
        (), (), (), (), (),
    )  # fmt: skip
    assert detail.project is None
    read = " ".join(statements)
    for table in (
        "timeline_events",
        "case_buttons",
        "case_records",
        "case_links",
        "case_watchers",
        "projects",
    ):
        assert table not in read, table

    statements.clear()
    only_buttons = db.read.case(Visibility.everything(), ref, frozenset({Include.BUTTONS}))
    assert [b.spec.label for b in only_buttons.buttons] == ["Run"]
    assert "timeline_events" not in " ".join(statements)


def test_activities_are_the_newest_ones_cut_in_sql(
    db: Container, admin: Principal, team: str, statements: list[str]
) -> None:
    token = uuid.uuid4().hex
    refs = [open_case(db, admin, team, f"{token} {n}") for n in range(2)]
    for n in range(6):
        for ref in refs:
            db.bus.handle(x.CommentOnCase(ref, f"comment {n}"), admin)
    everything = db.read.case(Visibility.everything(), refs[0], frozenset({Include.ACTIVITIES}))
    assert [a.kind for a in everything.activities].count("case.commented") == 6

    statements.clear()
    one = db.read.case(Visibility.everything(), refs[0], frozenset({Include.ACTIVITIES}), activities_max=3)
    assert [a.data["message"] for a in one.activities] == ["comment 3", "comment 4", "comment 5"]
    assert [a.id for a in one.activities] == [a.id for a in everything.activities][-3:]
    assert any("LIMIT" in s.upper() and "timeline_events" in s for s in statements)

    statements.clear()
    query = CaseQuery(
        Visibility.everything(),
        filter=TextMatch(("title",), p.Pattern(token)),
        include=frozenset({Include.ACTIVITIES}),
        activities_max=2,
        page_size=10,
    )
    page = db.read.search_cases(query)
    assert page.total == 2
    for detail in page.cases:
        assert [a.data["message"] for a in detail.activities] == ["comment 4", "comment 5"]
    assert any("row_number" in s.lower() for s in statements)


def test_the_default_bound_on_activities() -> None:
    assert CaseQuery(Visibility.everything()).activities_max == ACTIVITIES_MAX == 1000


def test_sorts_by_last_change_and_by_opening(db: Container, admin: Principal, team: str) -> None:
    token = uuid.uuid4().hex
    first, second, third = (open_case(db, admin, team, f"{token} {n}") for n in range(3))
    db.bus.handle(x.DescribeCase(first, "edited last"), admin)

    def order(sort: CaseSort) -> list[uuid.UUID]:
        mine: p.Predicate = And((RefIs("project", name=team), TextMatch(("title",), p.Pattern(token))))
        return [
            detail.case.id
            for detail in db.read.search_cases(CaseQuery(Visibility.everything(), mine, sort)).cases
        ]

    ids = [r.id for r in (first, second, third)]
    assert order(CaseSort(CaseSortField.UPDATED)) == [ids[0], ids[2], ids[1]]
    assert order(CaseSort(CaseSortField.UPDATED, ascending=True)) == [ids[1], ids[2], ids[0]]
    assert order(CaseSort(CaseSortField.OPENED)) == [ids[2], ids[1], ids[0]]
    assert order(CaseSort(CaseSortField.CREATED, ascending=True)) == ids


def test_the_users_a_case_names_come_with_its_row_as_they_are_stored(
    db: Container, admin: Principal, team: str, people: dict[str, Any], statements: list[str]
) -> None:
    """The author, the assignees (the first and the others) and whoever closed it are read in
    the case's own statement (adapters/db/cases/named_users.py), equal to the users' rows."""
    from casedesk.adapters.db.lookups import load_users

    ref = open_case(db, admin, team, "Named", assignee_emails=(people["ann"], people["bob"]))
    db.bus.handle(x.ChangeCaseStatus(ref, CaseStatus.CLOSED), admin)
    statements.clear()

    detail = db.read.case(Visibility.everything(), ref)
    page = db.read.search_cases(
        CaseQuery(Visibility.everything(), filter=RefIs("project", name=team), page_size=100)
    )

    named = {admin.user_id, people["ann_id"], people["bob_id"]}
    with db.engine.connect() as conn:
        stored = load_users(conn, named)
    assert set(detail.users) == named
    assert dict(detail.users) == stored
    (found,) = [d for d in page.cases if d.case.id == detail.case.id]
    assert dict(found.users) == dict(page.cases[0].users) == stored | dict(page.cases[0].users)
    assert not any("FROM users WHERE users.id IN" in s for s in statements)


@pytest.mark.parametrize("change_after", [False, True])
def test_a_request_reads_back_its_last_write(
    db: Container, admin: Principal, team: str, change_after: bool
) -> None:
    """On PostgreSQL a plain creation is read back from what its statement returned
    (adapters/db/cases/written.py); a later commit in the same request forgets it, so the
    read-back shows that commit's change."""
    scope = db.request_scope(write=True)
    try:
        services = scope.container
        case_id = services.bus.handle(x.CreateCase(project=team, title="Kept"), admin)
        if change_after:
            services.bus.handle(x.ChangeCaseStatus(CaseRef(id=case_id), CaseStatus.IN_PROGRESS), admin)
        first = services.read.case(Visibility.everything(), CaseRef(id=case_id))
        again = services.read.case(Visibility.everything(), CaseRef(id=case_id))
    finally:
        scope.release()
    expected = CaseStatus.IN_PROGRESS if change_after else CaseStatus.OPEN
    assert first.case.status is again.case.status is expected
    assert first == again == db.read.case(Visibility.everything(), CaseRef(id=case_id))
    assert set(first.users) == {admin.user_id}
