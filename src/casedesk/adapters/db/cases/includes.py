"""Read objects of cases, built from their rows, and the collections a case query includes.

Each collection is one query for every case of a page (never one per case); activities are
cut to the newest `activities_max` per case in SQL."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, exists, func, or_, select

from casedesk.adapters.db.access import visible_cases
from casedesk.adapters.db.cases.attachments import button_from_row, record_results
from casedesk.adapters.db.cases.named_users import named_users, users_named
from casedesk.adapters.db.cases.side_tables import load_insights
from casedesk.adapters.db.lookups import author_and_submitter, load_users
from casedesk.adapters.db.rows import user_from_row
from casedesk.adapters.db.schema import cases as x
from casedesk.adapters.db.schema import core as t
from casedesk.domain.cases.attachments import Button
from casedesk.domain.cases.values import Insight
from casedesk.domain.users import User
from casedesk.domain.vocab import CaseStatus, Priority, ResolvedReason
from casedesk.services.ports.access import Visibility
from casedesk.services.ports.case_queries import (
    Activity,
    AttachedRecord,
    CaseDetail,
    CaseSummary,
    Include,
    LinkedCase,
    ProjectSummary,
)

C = t.cases.c
# Whether a case has insights, read with its row: most have none, and then the query of their
# insights is left out (`summaries`). PostgreSQL looks each up after a page's sort and limit.
HAS_INSIGHTS_LABEL = "has_insights"
HAS_INSIGHTS = exists().where(t.case_insights.c.case_id == C.id).label(HAS_INSIGHTS_LABEL)


def case_row_columns(dialect: str) -> tuple[Any, ...]:
    """What a query of cases selects for `read_cases`: each case's row, whether it has
    insights, and the users it names (`named_users`), so that a page needs neither query."""
    return (t.cases, HAS_INSIGHTS, named_users(dialect))


def read_cases(
    conn: Connection,
    rows: Sequence[RowMapping],
    include: frozenset[Include],
    activities_max: int,
    visibility: Visibility,
) -> list[CaseDetail]:
    """`rows` of the cases table as read objects with what `include` asks for, in order. The
    cases they link to, or whose numbers their activities name, are only those `visibility`
    lets the caller see: a link to a case they may not see is left out."""
    cases = summaries(conn, rows)
    ids = [case.id for case in cases]
    people: set[uuid.UUID] = set()
    for case in cases:
        people |= case.user_ids
    activities: dict[uuid.UUID, list[_Event]] = {}
    if Include.ACTIVITIES in include:
        activities = _activities(conn, ids, activities_max)
        for events in activities.values():
            for event in events:
                people.update(event.user_ids)
    watchers = _watchers(conn, ids) if Include.WATCHERS in include else {}
    users = users_named(rows)
    users |= load_users(conn, people - users.keys())
    for who in watchers.values():
        users.update((u.id, u) for u in who)
    projects = _projects(conn, {c.project_id for c in cases}) if Include.PROJECT in include else {}
    records = _records(conn, ids) if Include.RECORDS in include else {}
    buttons = _buttons(conn, ids) if Include.BUTTONS in include else {}
    linked = _linked(conn, ids, visibility) if Include.LINKS in include else {}
    numbers = _case_numbers(conn, [e for events in activities.values() for e in events], visibility)
    return [
        CaseDetail(
            case=case,
            users=users,
            project=projects.get(case.project_id),
            activities=tuple(
                Activity(
                    e.seq,
                    e.kind,
                    users.get(e.author_id) if e.author_id else None,
                    e.at,
                    e.data,
                    users.get(e.submitter_id) if e.submitter_id else None,
                )
                for e in activities.get(case.id, [])
            ),
            buttons=tuple(buttons.get(case.id, [])),
            records=tuple(records.get(case.id, [])),
            linked=tuple(linked.get(case.id, [])),
            watchers=tuple(watchers.get(case.id, [])),
            case_numbers=numbers,
        )
        for case in cases
    ]


def summaries(conn: Connection, rows: Sequence[RowMapping]) -> list[CaseSummary]:
    # A row read with HAS_INSIGHTS says whether there are any to load.
    insights = load_insights(conn, [r["id"] for r in rows if r.get(HAS_INSIGHTS_LABEL, True)])
    # Only a case with a first assignee has any (the write side keeps it so).
    assignees = _assignees(conn, [r["id"] for r in rows if r["assignee_id"] is not None])
    return [summary(r, insights.get(r["id"], ()), assignees.get(r["id"], ())) for r in rows]


def bare_detail(row: Mapping[Any, Any], users: Mapping[uuid.UUID, User]) -> CaseDetail:
    """What `read_cases` makes of a case with no insights and no assignees when nothing is
    included, from its row and the users its fields name."""
    return CaseDetail(case=summary(row, (), ()), users=users)


def summary(
    r: Mapping[Any, Any], insights: Sequence[Insight], assignee_ids: Sequence[uuid.UUID]
) -> CaseSummary:
    """A case's read object from its row of the cases table."""
    return CaseSummary(
        id=r["id"],
        number=int(r["number"]),
        key=r["key"],
        project_id=r["project_id"],
        type_id=r["type_id"],
        title=r["title"],
        description=r["description"],
        priority=Priority(r["priority"]),
        status=CaseStatus(r["status"]),
        created_by=r["created_by"],
        created_at=r["created_at"],
        modified_by=r["modified_by"],
        modified_at=r["modified_at"],
        closed_at=r["closed_at"],
        archived_at=r["archived_at"],
        due_date=r["due_date"],
        resolved_reason=ResolvedReason(r["resolved_reason"]) if r["resolved_reason"] else None,
        attributes=dict(r["attributes"] or {}),
        custom_attributes=dict(r["custom_attributes"] or {}),
        insights=tuple(insights),
        assignee_ids=tuple(assignee_ids),
        metadata=dict(r["metadata"] or {}),
        closure_conditions=tuple(
            {"name": str(c["name"]), "formula": str(c["formula"])} for c in r["closure_conditions"] or []
        ),
        opened_at=r["opened_at"],
        opened_by=r["opened_by"],
        closed_by=r["closed_by"],
    )


def _assignees(conn: Connection, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    found: dict[uuid.UUID, list[uuid.UUID]] = {}
    if case_ids:
        ca = x.case_assignees.c
        query = select(ca.case_id, ca.user_id).where(ca.case_id.in_(case_ids))
        for case_id, user_id in conn.execute(query.order_by(ca.case_id, ca.position)):
            found.setdefault(case_id, []).append(user_id)
    return found


def _projects(conn: Connection, ids: set[uuid.UUID]) -> dict[uuid.UUID, ProjectSummary]:
    if not ids:
        return {}
    p = t.projects.c
    rows = conn.execute(select(p.id, p.key, p.name, p.number).where(p.id.in_(ids)))
    return {r.id: ProjectSummary(r.id, r.key, r.name, int(r.number)) for r in rows}


def _records(conn: Connection, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[AttachedRecord]]:
    if not case_ids:
        return {}
    cr = x.case_records.c
    rows = conn.execute(
        select(cr.case_id, cr.record_id).where(cr.case_id.in_(case_ids)).order_by(cr.case_id, cr.position)
    ).all()
    results = record_results(conn, sorted({int(r) for _, r in rows}))
    found: dict[uuid.UUID, list[AttachedRecord]] = {}
    for case_id, record_id in rows:
        number = int(record_id)
        found.setdefault(case_id, []).append(AttachedRecord(number, tuple(results.get(number, []))))
    return found


def _buttons(conn: Connection, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Button]]:
    found: dict[uuid.UUID, list[Button]] = {}
    if case_ids:
        b = x.case_buttons
        for row in conn.execute(select(b).where(b.c.case_id.in_(case_ids)).order_by(b.c.id)).mappings():
            found.setdefault(row["case_id"], []).append(button_from_row(row))
    return found


def _watchers(conn: Connection, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[User]]:
    """Per case, who watches it, in the order they started."""
    found: dict[uuid.UUID, list[User]] = {}
    if case_ids:
        w = t.case_watchers.c
        rows = conn.execute(
            select(w.case_id, t.users)
            .join(t.users, t.users.c.id == w.user_id)
            .where(w.case_id.in_(case_ids))
            .order_by(w.case_id, w.created_at, t.users.c.email)
        ).mappings()
        for row in rows:
            found.setdefault(row["case_id"], []).append(user_from_row(row))
    return found


# -- activities --------------------------------------------------------------------------


class _Event:
    def __init__(self, row: Any) -> None:
        self.case_id, self.seq, self.kind, self.at, self.data = (
            row["subject_id"],
            int(row["seq"]),
            row["kind"],
            row["created_at"],
            dict(row["data"]),
        )
        self.author_id, self.submitter_id = author_and_submitter(row)

    @property
    def user_ids(self) -> list[uuid.UUID]:
        """The author (and who acted for them), and the users the event's data names (an
        assignee, say)."""
        found = [u for u in (self.author_id, self.submitter_id) if u]
        for value in (self.data.get("user_id"), self.data.get("new"), self.data.get("old")):
            if isinstance(value, str):
                try:
                    found.append(uuid.UUID(value))
                except ValueError:
                    continue
        return found


def _activities(conn: Connection, case_ids: list[uuid.UUID], limit: int) -> dict[uuid.UUID, list[_Event]]:
    """Per case, its newest `limit` live timeline events, oldest first."""
    if not case_ids or limit <= 0:
        return {}
    tl = t.timeline_events.c
    live = (tl.subject_type == "case", tl.subject_id.in_(case_ids), tl.deleted_at.is_(None))
    columns = (tl.subject_id, tl.seq, tl.kind, tl.actor_id, tl.on_behalf_of_id, tl.created_at, tl.data)
    if len(case_ids) == 1:
        # One case: the (subject_type, subject_id, seq) index hands over the newest rows.
        newest = select(*columns).where(*live).order_by(tl.seq.desc()).limit(limit).subquery()
    else:
        rank = func.row_number().over(partition_by=tl.subject_id, order_by=tl.seq.desc()).label("rank")
        ranked = select(*columns, rank).where(*live).subquery()
        newest = select(*(ranked.c[c.name] for c in columns)).where(ranked.c.rank <= limit).subquery()
    rows = conn.execute(select(newest).order_by(newest.c.seq)).mappings()
    found: dict[uuid.UUID, list[_Event]] = {}
    for row in rows:
        event = _Event(row)
        found.setdefault(event.case_id, []).append(event)
    return found


def _case_numbers(conn: Connection, events: list[_Event], visibility: Visibility) -> dict[uuid.UUID, int]:
    """The numbers of the cases that link events name."""
    wanted: set[uuid.UUID] = set()
    for event in events:
        for end in ("parent", "child"):
            entity = event.data.get(end)
            if isinstance(entity, dict) and entity.get("type") == "CASE":
                try:
                    wanted.add(uuid.UUID(str(entity.get("id"))))
                except ValueError:
                    continue
    if not wanted:
        return {}
    query = select(C.id, C.number).where(C.id.in_(wanted), visible_cases(conn, visibility))
    return {i: int(n) for i, n in conn.execute(query)}


def _linked(
    conn: Connection, case_ids: list[uuid.UUID], visibility: Visibility
) -> dict[uuid.UUID, list[LinkedCase]]:
    """Per case, the cases linked to it (any relationship, either direction), oldest link first."""
    if not case_ids:
        return {}
    links = t.case_links.c
    idents = [str(i) for i in case_ids]
    rows = conn.execute(
        select(links.parent_entity_id, links.child_entity_id)
        .where(
            links.parent_entity_type == "CASE",
            links.child_entity_type == "CASE",
            or_(links.parent_entity_id.in_(idents), links.child_entity_id.in_(idents)),
        )
        .order_by(links.created_at, links.id)
    ).all()
    wanted = set(case_ids)
    pairs: list[tuple[uuid.UUID, uuid.UUID]] = []
    for parent, child in rows:
        a, b = uuid.UUID(parent), uuid.UUID(child)
        if a in wanted:
            pairs.append((a, b))
        if b in wanted:
            pairs.append((b, a))
    others = {other for _, other in pairs}
    info = {
        r.id: LinkedCase(int(r.number), r.title)
        for r in conn.execute(
            select(C.id, C.number, C.title).where(C.id.in_(others), visible_cases(conn, visibility))
        )
    } if others else {}  # fmt: skip
    found: dict[uuid.UUID, list[LinkedCase]] = {}
    for case_id, other in pairs:
        if other in info and info[other] not in found.get(case_id, []):
            found.setdefault(case_id, []).append(info[other])
    return found
