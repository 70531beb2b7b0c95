"""Case counts on the real database: grouped in SQL, with the filter's lookups kept apart
from the joins that label the groups."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event

from casedesk.bootstrap import Container
from casedesk.domain import users as uc
from casedesk.domain.cases import commands as c
from casedesk.domain.ids import CaseRef, UserRef
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import Principal
from casedesk.domain.vocab import SECURITY_CASE_TYPE_ID, STANDARD_CASE_TYPE_ID, Priority
from casedesk.services.ports.access import Visibility
from casedesk.services.ports.case_counts import CaseFacet, FacetCombination, FacetValue
from casedesk.services.search.cases import parse_case_query
from tests.integration.helpers import new_key

NOW = datetime(2030, 1, 1, tzinfo=UTC)
F = CaseFacet


@pytest.fixture
def seeded(db: Container, admin: Principal) -> dict[str, str]:
    """Four cases in a fresh project: two for ann (P1, P2), one for bob (P1, Security), one
    unassigned (NOT_DEFINED)."""
    key = new_key()
    db.bus.handle(pc.CreateProject(name="Counts", key=key), admin)
    suffix = uuid.uuid4().hex[:6]
    ann = f"ann.{suffix}@example.com"
    bob = f"bob.{suffix}@example.com"
    ann_id = db.bus.handle(uc.CreateUser(email=ann), Principal.operator())
    bob_id = db.bus.handle(uc.CreateUser(email=bob), Principal.operator())
    rows: list[tuple[Priority, Any, uuid.UUID]] = [
        (Priority.P1, ann_id, STANDARD_CASE_TYPE_ID),
        (Priority.P2, ann_id, STANDARD_CASE_TYPE_ID),
        (Priority.P1, bob_id, SECURITY_CASE_TYPE_ID),
        (Priority.NOT_DEFINED, None, STANDARD_CASE_TYPE_ID),
    ]
    for priority, assignee, type_id in rows:
        command = c.CreateCase(
            title="t",
            project=key,
            type_id=type_id,
            priority=priority,
            assignees=(UserRef(id=assignee),) if assignee else (),
        )
        db.bus.handle(command, admin)
    return {"key": key, "ann": ann, "bob": bob}


@pytest.fixture
def statements(db: Container) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def query(text: str) -> Any:
    return parse_case_query(text, now=NOW)


def test_counts_are_grouped_in_the_database(
    db: Container, seeded: dict[str, str], statements: list[str]
) -> None:
    counts = db.read.count_cases(
        Visibility.everything(), query(f"project:{seeded['key']}"), (F.PRIORITY, F.ASSIGNEE), 10
    )
    assert counts.total == 4
    assert [(f.facet, f.values) for f in counts.facets] == [
        (F.PRIORITY, [FacetValue("P1", 2), FacetValue("NOT_DEFINED", 1), FacetValue("P2", 1)]),
        (F.ASSIGNEE, [FacetValue(seeded["ann"], 2), FacetValue(seeded["bob"], 1), FacetValue("none", 1)]),
    ]
    # One count and one GROUP BY per facet; no case row comes back to Python.
    selects = [s.lower() for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 3
    assert all("count(" in s for s in selects)
    assert sum("group by" in s for s in selects) == 2
    assert not any("cases.title" in s for s in selects)


@pytest.mark.parametrize(
    ("text", "facets", "expected"),
    [
        ("assignee:{ann}", (F.ASSIGNEE,), [(("{ann}",), 2)]),
        ("assignee:{bob}", (F.ASSIGNEE, F.TYPE), [(("{bob}", "Security"), 1)]),
        ("project:{key} type:standard", (F.PROJECT, F.TYPE), [(("{key}", "Standard"), 3)]),
        ("creator:nobody@example.com", (F.PROJECT,), []),
        ("-assignee:none priority:P1", (F.STATUS, F.PRIORITY), [(("OPEN", "P1"), 2)]),
    ],
)
def test_filters_on_joined_tables_stay_filters(
    db: Container, seeded: dict[str, str], text: str, facets: tuple[CaseFacet, ...], expected: list[Any]
) -> None:
    scoped = f"project:{seeded['key']} {text.format(**seeded)}"
    aggregation = db.read.aggregate_cases(Visibility.everything(), query(scoped), facets, 10)
    wanted = [FacetCombination(tuple(v.format(**seeded) for v in values), n) for values, n in expected]
    assert aggregation.groups == wanted
    assert aggregation.total == sum(n for _, n in expected)


def test_aggregation_limits_groups_not_the_total(db: Container, seeded: dict[str, str]) -> None:
    aggregation = db.read.aggregate_cases(
        Visibility.everything(), query(f"project:{seeded['key']}"), (F.PRIORITY,), 1
    )
    assert aggregation.groups == [FacetCombination(("P1",), 2)]
    assert aggregation.total == 4


def test_moved_cases_count_in_their_new_project(
    db: Container, admin: Principal, seeded: dict[str, str]
) -> None:
    destination = new_key()
    db.bus.handle(pc.CreateProject(name="Elsewhere", key=destination), admin)
    db.bus.handle(c.MoveCaseToProject(CaseRef(key=f"{seeded['key']}-1"), destination), admin)
    both = query(f"project:({seeded['key']} OR {destination})")
    counts = db.read.count_cases(Visibility.everything(), both, (F.PROJECT,), 10)
    assert counts.facets[0].values == [FacetValue(seeded["key"], 3), FacetValue(destination, 1)]
