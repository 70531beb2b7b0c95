"""Tines' reads beside its cases (those come from the one case query): teams, records,
comments with reactions, files."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, Connection, select

from casedesk.adapters.db.cases.attachments import record_results
from casedesk.adapters.db.cases.includes import load_users
from casedesk.adapters.db.connection_types import ReadConnections
from casedesk.adapters.db.repositories import case_ref_clause
from casedesk.adapters.db.rows import project_from_row, user_from_row
from casedesk.adapters.db.schema import cases as x
from casedesk.adapters.db.schema import core as t
from casedesk.domain.errors import NotFound
from casedesk.domain.events import CaseEvent
from casedesk.domain.ids import CaseRef
from casedesk.domain.projects.project import Project
from casedesk.domain.users import User
from casedesk.services.ports.case_bundle import CommentView, FileView, RecordView

C = t.cases.c


class SqlCaseExtrasReads:
    def __init__(self, engine: ReadConnections) -> None:
        self.engine = engine

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
                        tl.c.kind == CaseEvent.COMMENTED,
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
            users = load_users(conn, [row["actor_id"], *(u for _, u, _ in reactions)])
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
            users = load_users(conn, [row["created_by"]])
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


# -- helpers -----------------------------------------------------------------------------


def _case_id(conn: Connection, ref: CaseRef) -> uuid.UUID:
    found: uuid.UUID | None = conn.execute(select(C.id).where(case_ref_clause(ref))).scalar_one_or_none()
    if found is None:
        raise NotFound("case", ref)
    return found
