"""Read queries for the Tines presentation of cases: a case with all its parts, filtered
lists, teams, records, comments with reactions, files."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, exists, func, or_, select, true

from casedesk.adapters.db.cases.attachments import button_from_row, record_results
from casedesk.adapters.db.cases.side_rows import load_case_parts
from casedesk.adapters.db.connection_types import ReadConnections
from casedesk.adapters.db.repositories import case_ref_clause
from casedesk.adapters.db.rows import case_from_row, project_from_row, user_from_row
from casedesk.adapters.db.schema import cases as x
from casedesk.adapters.db.schema import core as t
from casedesk.domain import events as ev
from casedesk.domain.cases.case import Case
from casedesk.domain.cases.mixin import TAGS_KEY
from casedesk.domain.errors import NotFound
from casedesk.domain.ids import CaseRef
from casedesk.domain.projects.project import Project
from casedesk.domain.users import User
from casedesk.domain.vocab import CaseStatus
from casedesk.services.ports.case_bundle import (
    Activity,
    CaseBundle,
    CaseListQuery,
    CommentView,
    FileView,
    RecordView,
)

ACTIVITIES_MAX = 1000  # the most recent ones; a case's feed rarely comes near
C = t.cases.c


class SqlCaseExtrasReads:
    def __init__(self, engine: ReadConnections) -> None:
        self.engine = engine

    # -- cases ----------------------------------------------------------------------------

    def bundle(self, ref: CaseRef) -> CaseBundle:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.cases).where(case_ref_clause(ref))).mappings().first()
            if row is None:
                raise NotFound("case", ref)
            return _assemble(conn, [case_from_row(row)])[0]

    def list_cases(self, query: CaseListQuery) -> tuple[list[CaseBundle], int]:
        condition = and_(true(), *_conditions(query))
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(t.cases).where(condition)).scalar_one()
            rows = conn.execute(
                select(t.cases)
                .where(condition)
                .order_by(*_order(query.order))
                .limit(query.per_page)
                .offset((query.page - 1) * query.per_page)
            ).mappings()
            cases = [case_from_row(r) for r in rows]
            return _assemble(conn, cases), int(total)

    # -- teams, records, users ------------------------------------------------------------

    def teams(self) -> list[Project]:
        p = t.projects.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.projects).where(p.deleted_at.is_(None)).order_by(p.number)
            ).mappings()
            return [project_from_row(r, []) for r in rows]

    def team(self, number: int) -> Project:
        p = t.projects.c
        with self.engine.connect() as conn:
            row = (
                conn.execute(select(t.projects).where(p.number == number, p.deleted_at.is_(None)))
                .mappings()
                .first()
            )
        if row is None:
            raise NotFound("team", number)
        return project_from_row(row, [])

    def record(self, record_id: int) -> RecordView:
        with self.engine.connect() as conn:
            row = conn.execute(select(x.records).where(x.records.c.id == record_id)).mappings().first()
            if row is None:
                raise NotFound("record", record_id)
            results = record_results(conn, [record_id]).get(record_id, [])
        return RecordView(id=record_id, results=results, created_at=row["created_at"])

    def user_by_email(self, email: str) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.users).where(t.users.c.email == email.lower())).mappings().first()
        return user_from_row(row) if row else None

    # -- comments and files ---------------------------------------------------------------

    def comment(self, case: CaseRef, cell_id: uuid.UUID) -> CommentView:
        return self._comment(case, t.timeline_events.c.id == cell_id, cell_id)

    def comment_by_number(self, case: CaseRef, number: int) -> CommentView:
        return self._comment(case, t.timeline_events.c.seq == number, number)

    def _comment(self, case: CaseRef, match: ColumnElement[bool], ref: object) -> CommentView:
        tl, r = t.timeline_events, x.comment_reactions
        with self.engine.connect() as conn:
            case_id = _case_id(conn, case)
            row = (
                conn.execute(
                    select(tl).where(
                        match,
                        tl.c.subject_id == case_id,
                        tl.c.kind == ev.CASE_COMMENTED,
                        tl.c.deleted_at.is_(None),
                    )
                )
                .mappings()
                .first()
            )
            if row is None:
                raise NotFound("comment", ref)
            reactions = conn.execute(
                select(r.c.emoji, r.c.user_id, r.c.created_at)
                .where(r.c.cell_id == row["id"])
                .order_by(r.c.created_at, r.c.emoji)
            ).all()
            users = _users(conn, [row["actor_id"], *(u for _, u, _ in reactions)])
        return CommentView(
            id=int(row["seq"]),
            cell_id=row["id"],
            message=str(row["data"].get("message", "")),
            author=users.get(row["actor_id"]),
            created_at=row["created_at"],
            updated_at=row["modified_at"],
            reactions=[(emoji, users[u], at) for emoji, u, at in reactions if u in users],
        )

    def file(self, case: CaseRef, file_id: int) -> FileView:
        f, b = x.case_files, x.file_blobs
        with self.engine.connect() as conn:
            case_id = _case_id(conn, case)
            row = (
                conn.execute(
                    select(f, b.c.md5, b.c.size, C.number)
                    .join(b, b.c.sha256 == f.c.sha256)
                    .join(t.cases, C.id == f.c.case_id)
                    .where(f.c.id == file_id, f.c.case_id == case_id)
                )
                .mappings()
                .first()
            )
            if row is None:
                raise NotFound("file", file_id)
            users = _users(conn, [row["created_by"]])
        return FileView(
            id=int(row["id"]),
            case_number=int(row["number"]),
            filename=row["filename"],
            content_type=row["content_type"],
            sha256=row["sha256"],
            md5=row["md5"],
            size=int(row["size"]),
            comment=row["comment"],
            author=users.get(row["created_by"]),
            created_at=row["created_at"],
        )

    def file_content(self, sha256: str) -> bytes:
        b = x.file_blobs
        with self.engine.connect() as conn:
            content = conn.execute(select(b.c.content).where(b.c.sha256 == sha256)).scalar_one_or_none()
        if content is None:
            raise NotFound("file", sha256)
        return bytes(content)


# -- assembling cases --------------------------------------------------------------------


def _case_id(conn: Connection, ref: CaseRef) -> uuid.UUID:
    found: uuid.UUID | None = conn.execute(select(C.id).where(case_ref_clause(ref))).scalar_one_or_none()
    if found is None:
        raise NotFound("case", ref)
    return found


def _users(conn: Connection, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = conn.execute(select(t.users).where(t.users.c.id.in_(wanted))).mappings()
    return {r["id"]: user_from_row(r) for r in rows}


def _assemble(conn: Connection, cases: list[Case]) -> list[CaseBundle]:
    load_case_parts(conn, cases)
    ids = [case.id for case in cases]
    projects = {
        r["id"]: project_from_row(r, [])
        for r in conn.execute(
            select(t.projects).where(t.projects.c.id.in_({c.project_id for c in cases}))
        ).mappings()
    }
    records = record_results(conn, sorted({r for case in cases for r in case.record_ids}))
    buttons: dict[uuid.UUID, list[Any]] = {}
    b = x.case_buttons
    for row in conn.execute(select(b).where(b.c.case_id.in_(ids)).order_by(b.c.id)).mappings():
        buttons.setdefault(row["case_id"], []).append(button_from_row(row))
    linked = _linked(conn, ids)
    activities = _activities(conn, ids)
    people: set[uuid.UUID | None] = {a.actor_id for a in activities}
    for case in cases:
        people.update([case.created_by, case.opened_by, case.closed_by, *case.assignee_ids])
    for activity in activities:
        people.update(_user_ids_in(activity.data))
    users = _users(conn, people)
    numbers = _case_numbers(conn, activities)
    return [
        CaseBundle(
            case=case,
            project=projects.get(case.project_id),
            users=users,
            records={r: records.get(r, []) for r in case.record_ids},
            buttons=buttons.get(case.id, []),
            linked=linked.get(case.id, []),
            activities=[
                Activity(a.seq, a.kind, users.get(a.actor_id) if a.actor_id else None, a.at, a.data)
                for a in activities
                if a.case_id == case.id
            ][-ACTIVITIES_MAX:],
            case_numbers=numbers,
        )
        for case in cases
    ]


class _Row:
    def __init__(self, row: Any) -> None:
        self.case_id, self.seq, self.kind, self.actor_id, self.at, self.data = (
            row["subject_id"],
            int(row["seq"]),
            row["kind"],
            row["actor_id"],
            row["created_at"],
            dict(row["data"]),
        )


def _activities(conn: Connection, case_ids: list[uuid.UUID]) -> list[_Row]:
    if not case_ids:
        return []
    tl = t.timeline_events
    rows = conn.execute(
        select(tl)
        .where(tl.c.subject_type == "case", tl.c.subject_id.in_(case_ids), tl.c.deleted_at.is_(None))
        .order_by(tl.c.seq)
    ).mappings()
    return [_Row(r) for r in rows]


def _user_ids_in(data: dict[str, Any]) -> list[uuid.UUID]:
    found = []
    for value in (data.get("user_id"), data.get("new"), data.get("old")):
        if isinstance(value, str):
            try:
                found.append(uuid.UUID(value))
            except ValueError:
                continue
    return found


def _case_numbers(conn: Connection, activities: list[_Row]) -> dict[uuid.UUID, int]:
    wanted: set[uuid.UUID] = set()
    for activity in activities:
        for end in ("parent", "child"):
            entity = activity.data.get(end)
            if isinstance(entity, dict) and entity.get("type") == "CASE":
                try:
                    wanted.add(uuid.UUID(str(entity.get("id"))))
                except ValueError:
                    continue
    if not wanted:
        return {}
    return {i: int(n) for i, n in conn.execute(select(C.id, C.number).where(C.id.in_(wanted)))}


def _linked(conn: Connection, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[tuple[int, str]]]:
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
    pairs: list[tuple[uuid.UUID, uuid.UUID]] = []
    for parent, child in rows:
        a, b = uuid.UUID(parent), uuid.UUID(child)
        if a in case_ids:
            pairs.append((a, b))
        if b in case_ids:
            pairs.append((b, a))
    others = {other for _, other in pairs}
    info = {
        r.id: (int(r.number), r.title)
        for r in conn.execute(select(C.id, C.number, C.title).where(C.id.in_(others)))
    } if others else {}  # fmt: skip
    found: dict[uuid.UUID, list[tuple[int, str]]] = {}
    for case_id, other in pairs:
        if other in info and info[other] not in found.get(case_id, []):
            found.setdefault(case_id, []).append(info[other])
    return found


# -- filters -----------------------------------------------------------------------------


def _tag_match(values: Iterable[str]) -> ColumnElement[bool]:
    a = t.case_attributes.c
    return exists().where(
        a.case_id == C.id, a.key == TAGS_KEY, a.value_folded.in_([v.lower() for v in values])
    )


def _assigned(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    ca, u = x.case_assignees.c, t.users.c
    return exists().where(ca.case_id == C.id, ca.user_id == u.id, condition)


def _conditions(q: CaseListQuery) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if q.project_id is not None:
        found.append(C.project_id == q.project_id)
    if q.status is CaseStatus.CLOSED:
        found.append(C.status == CaseStatus.CLOSED.value)
    elif q.status is not None:
        found.append(C.status != CaseStatus.CLOSED.value)
    if q.priorities:
        found.append(C.priority.in_([p.value for p in q.priorities]))
    found.extend(_tag_match([tag]) for tag in q.tags)
    if q.or_tags:
        found.append(_tag_match(q.or_tags))
    if q.exclude_tags:
        found.append(~_tag_match(q.exclude_tags))
    if q.assignee_numbers:
        found.append(_assigned(t.users.c.number.in_(q.assignee_numbers)))
    if q.assignee_emails:
        found.append(_assigned(t.users.c.email.in_([e.lower() for e in q.assignee_emails])))
    if q.assigned_to is not None:
        found.append(_assigned(t.users.c.id == q.assigned_to))
    if q.unassigned:
        found.append(C.assignee_id.is_(None))
    if q.author_emails:
        authors = select(t.users.c.id).where(t.users.c.email.in_([e.lower() for e in q.author_emails]))
        found.append(C.created_by.in_(authors.scalar_subquery()))
    if q.case_numbers:
        found.append(C.number.in_(q.case_numbers))
    if q.search:
        found.append(_search(q.search))
    for key, value in q.metadata:
        found.append(C.metadata[key].as_string() == value)
    found.extend(_ranges(q))
    return found


def _search(text: str) -> ColumnElement[bool]:
    folded = text.strip().lower()
    matches = [
        func.lower(C.title).contains(folded, autoescape=True),
        func.lower(C.description).contains(folded, autoescape=True),
    ]
    if folded.isascii() and folded.isdigit() and len(folded) <= 18:
        matches.append(C.number == int(folded))
    return or_(*matches)


def _ranges(q: CaseListQuery) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    updated = func.coalesce(C.modified_at, C.created_at)
    for column, low, high in (
        (C.created_at, q.created_from, q.created_to),
        (updated, q.updated_from, q.updated_to),
        (C.closed_at, q.resolved_from, q.resolved_to),
    ):
        if low is not None:
            found.append(column >= low)
        if high is not None:
            found.append(column <= high)
    return found


def _order(order: str) -> list[Any]:
    edited = func.coalesce(C.modified_at, C.created_at)
    opened = func.coalesce(C.opened_at, C.created_at)
    column, ascending = {
        "RECENTLY_EDITED": (edited, False),
        "LEAST_RECENTLY_EDITED": (edited, True),
        "PRIORITY_ASC": (C.priority_urgency, True),
        "PRIORITY_DESC": (C.priority_urgency, False),
        "OPENED_ASC": (opened, True),
        "OPENED_DESC": (opened, False),
        "CREATED_ASC": (C.created_at, True),
    }.get(order, (C.created_at, False))
    if ascending:
        return [column.asc(), C.number.asc()]
    return [column.desc(), C.number.desc()]
