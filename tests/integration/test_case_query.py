"""The search syntax end to end: query text → predicates → SQL, on the real database.

A fixed set of cases is built once; each row of the table names the cases a query must
return (and so, by difference, those it must not)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import inspect

from casedesk.bootstrap import Container, bootstrap
from casedesk.config import Settings
from casedesk.domain import users as uc
from casedesk.domain.cases import commands as c
from casedesk.domain.commands import Command
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import CaseRef, UserRef
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import Principal
from casedesk.domain.vocab import (
    SECURITY_CASE_TYPE_ID,
    STANDARD_CASE_TYPE_ID,
    CaseStatus,
    Priority,
    ResolvedReason,
    Scope,
)
from casedesk.services.bus import MessageBus
from casedesk.services.ports.access import Visibility
from casedesk.services.ports.case_queries import CaseQuery
from casedesk.services.search.cases import parse_case_query
from tests.support import throwaway_database

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@dataclass
class World:
    container: Container
    keys: dict[str, str]  # label → case key
    ann: uuid.UUID
    bob: uuid.UUID


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with throwaway_database() as url:
        container = bootstrap(Settings(database_url=url), migrate=True)
        clock = {"now": at("2026-01-01T00:00:00")}
        bus = MessageBus(container.uow, clock=lambda: clock["now"])
        ann = bus.handle(uc.CreateUser(email="ann@example.com", name="Ann"), Principal.operator())
        bob = bus.handle(uc.CreateUser(email="bob@example.com", name="Bob"), Principal.operator())
        as_ann = Principal(ann, "ann@example.com", Scope.all())
        as_bob = Principal(bob, "bob@example.com", Scope.all())
        bus.handle(pc.CreateProject(name="Alpha", key="ALPHA"), as_ann)
        bus.handle(pc.CreateProject(name="Beta", key="BETA"), as_ann)

        def case(when: str, who: Principal = as_ann, **fields: object) -> str:
            clock["now"] = at(when)
            fields.setdefault("type_id", STANDARD_CASE_TYPE_ID)
            case_id = bus.handle(c.CreateCase(**fields), who)  # type: ignore[arg-type]
            return container.read.case(Visibility.everything(), CaseRef(id=case_id)).case.key

        def then(when: str, command: Command[object]) -> None:
            clock["now"] = at(when)
            bus.handle(command, as_ann)

        keys = {
            "A1": case("2026-01-10T10:00:00", title="Disk full on db-1", project="ALPHA",
                       description="The root volume is at 99%", priority=Priority.P1,
                       assignees=(UserRef(id=ann),)),
            "A2": case("2026-01-20T08:00:00", title="Memory leak in api", project="ALPHA",
                       description="heap grows", priority=Priority.P2, assignees=(UserRef(id=bob),)),
            "A3": case("2026-01-31T23:30:00", title="Ramdisk misconfigured", project="ALPHA",
                       priority=Priority.P5, type_id=SECURITY_CASE_TYPE_ID),
            "B1": case("2026-02-15T09:00:00", title="Login failures 50% spike", project="BETA"),
            "B2": case("2026-02-28T18:00:00", as_bob, title='Quote "here" and under_score', project="BETA",
                       priority=Priority.P3, assignees=(UserRef(id=ann),)),
        }  # fmt: skip
        ref = {label: CaseRef(key=key) for label, key in keys.items()}
        then("2026-02-01T00:00:00", c.ChangeCaseStatus(ref["A2"], CaseStatus.IN_PROGRESS))
        then("2026-02-01T00:00:00", c.SetCaseResolvedReason(ref["A3"], ResolvedReason.FALSE_POSITIVE))
        then("2026-02-01T00:00:00", c.ChangeCaseStatus(ref["A3"], CaseStatus.CLOSED))
        then("2026-02-16T00:00:00", c.ArchiveCase(ref["B1"]))
        then("2026-02-16T00:00:00", c.SetCaseDueDate(ref["B1"], date(2026, 3, 1)))
        then("2026-02-16T00:00:00", c.SetCaseAttributes(ref["A1"], {"env": ["prod"], "team": ["storage"]}))
        then("2026-02-16T00:00:00", c.SetCaseAttributes(ref["A2"], {"env": ["staging"]}))
        then("2026-02-16T00:00:00", c.SetCaseAttributes(ref["A3"], {"env": ["Prod", "eu"]}))
        # A second assignee (Tines assigns several): `assignee:` finds the case by either.
        then(
            "2026-02-20T00:00:00",
            c.ChangeCaseAssignees(ref["B2"], add_assignees=(UserRef(email="bob@example.com"),)),
        )
        then("2026-02-20T00:00:00", c.AddCaseMetadata(ref["A2"], {"region": "eu-west", "Tier": 1}))
        yield World(container, keys, ann, bob)
        container.close()


def search(world: World, query: str, me: uuid.UUID | None = None) -> set[str]:
    predicate = parse_case_query(query, now=NOW, me=me or world.bob)
    page = world.container.read.search_cases(
        CaseQuery(Visibility.everything(), filter=predicate, page_size=100)
    )
    by_key = {key: label for label, key in world.keys.items()}
    return {by_key[detail.case.key] for detail in page.cases}


ALL = {"A1", "A2", "A3", "B1", "B2"}

TABLE: list[tuple[str, set[str]]] = [
    ("", ALL),
    ("status:open", {"A1", "B1", "B2"}),
    ("status:Open", {"A1", "B1", "B2"}),
    ("status:(open OR closed)", {"A1", "A3", "B1", "B2"}),
    ("-status:closed", ALL - {"A3"}),
    ("NOT status:closed", ALL - {"A3"}),
    ("status_group:SG_IN_PROGRESS", {"A2"}),
    ("status:in_progress", {"A2"}),
    ("priority:(P1 OR P2)", {"A1", "A2"}),
    ("priority:not_defined", {"B1"}),
    ("project:BETA", {"B1", "B2"}),
    ("project:beta", {"B1", "B2"}),
    ("key:ALPHA-2", {"A2"}),
    ("key:alpha-2", {"A2"}),
    ("key:ALPHA-*", {"A1", "A2", "A3"}),
    ("number:4", {"B1"}),
    ("case_number:(1 OR 5)", {"A1", "B2"}),
    ("assignee:ann@example.com", {"A1", "B2"}),
    ("assignee:ANN@example.com", {"A1", "B2"}),
    ("assignee:bob@example.com", {"A2", "B2"}),
    ("assignee:me", {"A2", "B2"}),
    ("assignee:me -assignee:ann@example.com", {"A2"}),
    ("assignee:ann@example.com assignee:bob@example.com", {"B2"}),
    ("assignee:none", {"A3", "B1"}),
    ("-assignee:none", {"A1", "A2", "B2"}),
    ("assignee:*", {"A1", "A2", "B2"}),
    ("-assignee:*", {"A3", "B1"}),
    ("-assignee:ann@example.com", {"A2", "A3", "B1"}),
    ("-assignee:bob@example.com", {"A1", "A3", "B1"}),
    ("-assignee:me", {"A1", "A3", "B1"}),
    ("assignee:nobody@example.com", set()),
    ("-assignee:nobody@example.com", ALL),
    ("creator:bob@example.com", {"B2"}),
    ("disk", {"A1", "A3"}),
    ("DISK", {"A1", "A3"}),
    ("title:disk*", {"A1"}),
    ("title:disk", {"A1", "A3"}),
    ('"disk full"', {"A1"}),
    ("description:heap", {"A2"}),
    ("disk AND memory", set()),
    ("disk OR memory", {"A1", "A2", "A3"}),
    ("disk memory", set()),
    ("NOT disk", {"A2", "B1", "B2"}),
    ("(disk OR memory) AND priority:P1", {"A1"}),
    ("50%", {"B1"}),
    ("99%", {"A1"}),
    ("under_score", {"B2"}),
    ("underscore", set()),
    ('"\\"here\\""', {"B2"}),
    ("env:prod", {"A1", "A3"}),
    ("attributes.env:prod", {"A1", "A3"}),
    ("env:PROD", {"A1", "A3"}),
    ("env:eu", {"A3"}),
    ("env:pro*", {"A1", "A3"}),
    ("env:production", set()),
    ("env:*", {"A1", "A2", "A3"}),
    ("-env:*", {"B1", "B2"}),
    ("team:storage env:prod", {"A1"}),
    ("env:(staging OR eu)", {"A2", "A3"}),
    ("archived:true", {"B1"}),
    ("archived:false", ALL - {"B1"}),
    ("created_at:>2026-01-31", {"B1", "B2"}),
    ("created_at:>=2026-01-31", {"A3", "B1", "B2"}),
    ("created_at:2026-01-31", {"A3"}),
    ("created_at:<2026-01-11", {"A1"}),
    ("created_at:<=2026-01-10", {"A1"}),
    ("created_at:[2026-01-01 TO 2026-01-20]", {"A1", "A2"}),
    ("created_at:{2026-01-10T10:00:00Z TO 2026-01-20T08:00:00Z]", {"A2"}),
    ("created_at:[2026-02-01 TO *]", {"B1", "B2"}),
    # The last representable day ends at the end of time instead of overflowing.
    ("created_at:9999-12-31", set()),
    ("created_at:>9999-12-31", set()),
    ("created_at:<=9999-12-31", ALL),
    ('created_at:<"9999-12-31T20:00:00+02:00"', ALL),
    ("created_at:>now-7d", {"B2"}),
    ("created_at:>now-1M", {"A3", "B1", "B2"}),
    ("created_at:<now-30d", {"A1", "A2"}),
    ("closed_at:*", {"A3"}),
    ("-closed_at:*", ALL - {"A3"}),
    ("closed_at:>=2026-02-01", {"A3"}),
    ("-closed_at:>=2026-02-01", ALL - {"A3"}),
    ("due_date:<=2026-03-01", {"B1"}),
    ("due_date:<2026-03-01", set()),
    ("due_date:*", {"B1"}),
    ("-due_date:*", ALL - {"B1"}),
    ("type:security", {"A3"}),
    ("type:Standard", ALL - {"A3"}),
    ("type:00000000-0000-0000-0000-000000000003", {"A3"}),
    ("custom_attributes.region:eu", set()),
    ("insight.type:MONITOR", set()),
    ("metadata.region:eu-west", {"A2"}),
    ("metadata.Tier:1", {"A2"}),
    ("metadata.region:EU-WEST", set()),
    ("metadata.tier:1", set()),
    ("-metadata.region:eu-west", ALL - {"A2"}),
    # Hostile values are data: they match nothing and change nothing.
    ('title:"\'; DROP TABLE cases; --"', set()),
    ("env:\"x' OR '1'='1\"", set()),
    ('"\') OR 1=1 --"', set()),
    ('priority:P1 OR title:"%%"', {"A1"}),
    ('priority:P1 OR title:"%"', {"A1", "B1"}),
]


@pytest.mark.parametrize(("query", "expected"), TABLE)
def test_query_matches_exactly(world: World, query: str, expected: set[str]) -> None:
    assert search(world, query) == expected


def test_injection_attempts_leave_the_schema_alone(world: World) -> None:
    search(world, 'title:"x\'); DROP TABLE cases; --"')
    assert "cases" in inspect(world.container.engine).get_table_names()
    assert search(world, "") == ALL


@pytest.mark.parametrize(
    ("query", "complaint"),
    [
        ("status:(open", "does not parse"),
        ("disk AND", "does not parse"),
        ("a ] b", "position 2"),
        ("priority:P9", "unknown priority 'p9'"),
        ("status:pending", "unknown status"),
        ("created_at:>yesterday", "takes a time"),
        ("created_at:[now TO later]", "takes a time"),
        ("archived:maybe", "true or false"),
        ("number:abc", "case number"),
        ("number:\u00b2", "case number"),
        ("created_at:>now-999999y", "takes a time"),
        ("created_at:<now+999999y", "takes a time"),
        ('created_at:>"9999-12-31T23:00:00-05:00"', "takes a time"),
        ('created_at:<"0001-01-01T01:00:00+05:00"', "takes a time"),
        (">now-7d", "needs a field"),
        ("priority:>P2", "takes a value"),
        ("(" * 11 + "disk" + ")" * 11, "nests deeper than 10 levels"),
        ("NOT " * 11 + "disk", "nests deeper than 10 levels"),
        (" OR ".join(f"t{i}" for i in range(51)), "more than 50 terms"),
        (" OR ".join(f"*word{i}*" for i in range(150)), "more than 10 wildcard terms"),
        ("title:" + "x" * 4097, "longer than 4096 characters"),
    ],
)
def test_bad_queries_say_what_is_wrong(world: World, query: str, complaint: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_case_query(query, now=NOW, me=world.ann)
    assert refused.value.field == "filter"
    assert complaint in refused.value.message


def test_assignee_is_two_index_lookups_or_ed() -> None:
    """The first assignee through cases.assignee_id, further ones through case_assignees; on
    PostgreSQL both as `= ANY (ARRAY(…))`, which it combines as a BitmapOr of two index scans
    (an IN subquery inside an OR would be checked on every case)."""
    from sqlalchemy.dialects import postgresql, sqlite

    from casedesk.adapters.db.cases.filter import compile_predicate

    condition = compile_predicate(parse_case_query("assignee:ann@example.com", now=NOW))
    on_postgresql = str(condition.compile(dialect=postgresql.dialect()))
    on_sqlite = str(condition.compile(dialect=sqlite.dialect()))
    assert on_postgresql.count("= ANY (ARRAY(SELECT") == 2
    assert "cases.assignee_id = ANY" in on_postgresql
    assert "case_assignees.position >" in on_postgresql
    assert " IN (SELECT" in on_sqlite
    assert "ANY" not in on_sqlite


def test_a_search_asked_again_by_someone_who_sees_less_leaves_out_what_they_may_not_see(
    world: World,
) -> None:
    """A search's statements are kept for the same search asked again (queries.py); what the
    caller may see is part of what makes two searches the same."""

    def everything() -> list[str]:
        page = world.container.read.search_cases(
            CaseQuery(Visibility.everything(), filter=parse_case_query("", now=NOW), page_size=100)
        )
        return [detail.case.key for detail in page.cases]

    alpha = {
        detail.case.project_id
        for detail in world.container.read.search_cases(
            CaseQuery(Visibility.everything(), filter=parse_case_query("project:ALPHA", now=NOW))
        ).cases
    }
    assert sorted(everything()) == sorted(world.keys.values())
    hiding_alpha = Visibility(uuid.uuid4(), hidden=frozenset(alpha))
    page = world.container.read.search_cases(
        CaseQuery(hiding_alpha, filter=parse_case_query("", now=NOW), page_size=100)
    )
    assert {detail.case.key for detail in page.cases} == {world.keys["B1"], world.keys["B2"]}
    assert page.total == 2
    assert sorted(everything()) == sorted(world.keys.values())
