"""What is attached to a case with an id of its own: records, buttons, reactions to comments
and files. The write side (`uow.attachments`) and the reads that answer with one of them."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, RowMapping, and_, delete, func, insert, select, update

from casedesk.adapters.db.connection_types import ReadConnections
from casedesk.adapters.db.lookups import author_and_submitter, case_id_of, load_users
from casedesk.adapters.db.schema import cases as x
from casedesk.adapters.db.schema import core as t
from casedesk.domain.cases.attachments import Button, ButtonSpec, RecordField
from casedesk.domain.errors import NotFound
from casedesk.domain.events import CaseEvent
from casedesk.domain.ids import CaseRef
from casedesk.services.ports.access import Visibility
from casedesk.services.ports.attachments import CommentView, FileView, RecordResults, RecordView


def button_from_row(row: RowMapping) -> Button:
    return Button(
        id=int(row["id"]),
        case_id=row["case_id"],
        spec=ButtonSpec(row["button_type"], row["url"], row["label"], row["button_text"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def record_results(conn: Connection, record_ids: list[int]) -> RecordResults:
    found: RecordResults = {}
    if not record_ids:
        return found
    rr = x.record_results
    rows = conn.execute(
        select(rr).where(rr.c.record_id.in_(record_ids)).order_by(rr.c.record_id, rr.c.position)
    ).mappings()
    for row in rows:
        found.setdefault(int(row["record_id"]), []).append(
            {"id": int(row["id"]), "name": row["name"], "value": row["value"]}
        )
    return found


class SqlAttachmentRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def missing_records(self, record_ids: list[int]) -> list[int]:
        if not record_ids:
            return []
        query = select(x.records.c.id).where(x.records.c.id.in_(record_ids))
        known = {int(i) for i in self.conn.execute(query).scalars()}
        return [r for r in record_ids if r not in known]

    def record_results(self, record_ids: list[int]) -> RecordResults:
        return record_results(self.conn, record_ids)

    def add_record(self, fields: tuple[RecordField, ...], actor: uuid.UUID, now: datetime) -> int:
        record_id = int(
            self.conn.execute(
                insert(x.records).values(created_by=actor, created_at=now).returning(x.records.c.id)
            ).scalar_one()
        )
        rows = [
            {"record_id": record_id, "position": i, "name": f.name, "value": f.value}
            for i, f in enumerate(fields)
        ]
        self.conn.execute(insert(x.record_results), rows)
        return record_id

    def buttons(self, case_id: uuid.UUID) -> list[Button]:
        b = x.case_buttons
        rows = self.conn.execute(select(b).where(b.c.case_id == case_id).order_by(b.c.id)).mappings()
        return [button_from_row(r) for r in rows]

    def add_button(self, case_id: uuid.UUID, spec: ButtonSpec, now: datetime) -> int:
        values: dict[str, Any] = {
            "case_id": case_id,
            "button_type": spec.button_type,
            "url": spec.url.strip(),
            "label": spec.label,
            "button_text": spec.button_text,
            "created_at": now,
            "updated_at": now,
        }
        inserted = self.conn.execute(insert(x.case_buttons).values(**values).returning(x.case_buttons.c.id))
        return int(inserted.scalar_one())

    def get_button(self, case_id: uuid.UUID, button_id: int) -> Button:
        b = x.case_buttons
        row = (
            self.conn.execute(select(b).where(b.c.id == button_id, b.c.case_id == case_id)).mappings().first()
        )
        if row is None:
            raise NotFound("button", button_id)
        return button_from_row(row)

    def save_button(self, button: Button) -> None:
        b = x.case_buttons
        spec = button.spec
        self.conn.execute(
            update(b)
            .where(b.c.id == button.id)
            .values(
                button_type=spec.button_type,
                url=spec.url.strip(),
                label=spec.label,
                button_text=spec.button_text,
                updated_at=button.updated_at,
            )
        )

    def delete_button(self, button: Button) -> None:
        self.conn.execute(delete(x.case_buttons).where(x.case_buttons.c.id == button.id))

    def comment_cell(self, case_id: uuid.UUID, number: int) -> uuid.UUID:
        tl = t.timeline_events
        found: uuid.UUID | None = self.conn.execute(
            select(tl.c.id).where(
                tl.c.seq == number,
                tl.c.subject_type == "case",
                tl.c.subject_id == case_id,
                tl.c.kind == CaseEvent.COMMENTED,
                tl.c.deleted_at.is_(None),
            )
        ).scalar_one_or_none()
        if found is None:
            raise NotFound("comment", number)
        return found

    def set_reaction(
        self, cell_id: uuid.UUID, user_id: uuid.UUID, emoji: str, add: bool, now: datetime
    ) -> bool:
        r = x.comment_reactions
        match = and_(r.c.cell_id == cell_id, r.c.user_id == user_id, r.c.emoji == emoji)
        present = self.conn.execute(select(func.count()).select_from(r).where(match)).scalar_one() > 0
        if add and not present:
            self.conn.execute(insert(r).values(cell_id=cell_id, user_id=user_id, emoji=emoji, created_at=now))
            return True
        if not add and present:
            self.conn.execute(delete(r).where(match))
            return True
        return False

    def add_file(
        self,
        case_id: uuid.UUID,
        filename: str,
        content_type: str,
        content: bytes,
        comment: str,
        actor: uuid.UUID,
        now: datetime,
    ) -> int:
        sha256 = hashlib.sha256(content).hexdigest()
        blobs = x.file_blobs
        if self.conn.execute(select(blobs.c.sha256).where(blobs.c.sha256 == sha256)).first() is None:
            md5 = hashlib.md5(content, usedforsecurity=False).hexdigest()
            self.conn.execute(
                insert(blobs).values(sha256=sha256, md5=md5, size=len(content), content=content)
            )
        values = {
            "case_id": case_id,
            "sha256": sha256,
            "filename": filename,
            "content_type": content_type,
            "comment": comment,
            "created_by": actor,
            "created_at": now,
        }
        return int(
            self.conn.execute(insert(x.case_files).values(**values).returning(x.case_files.c.id)).scalar_one()
        )


# -- read side ---------------------------------------------------------------------------


class SqlAttachmentReads:
    def __init__(self, engine: ReadConnections) -> None:
        self.engine = engine

    def record(self, record_id: int) -> RecordView:
        with self.engine.connect() as conn:
            row = conn.execute(select(x.records).where(x.records.c.id == record_id)).mappings().first()
            if row is None:
                raise NotFound("record", record_id)
            results = record_results(conn, [record_id]).get(record_id, [])
        return RecordView(id=record_id, results=results, created_at=row["created_at"])

    def comment(self, visibility: Visibility, case: CaseRef, cell_id: uuid.UUID) -> CommentView:
        return self._comment(visibility, case, t.timeline_events.c.id == cell_id, cell_id)

    def comment_by_number(self, visibility: Visibility, case: CaseRef, number: int) -> CommentView:
        return self._comment(visibility, case, t.timeline_events.c.seq == number, number)

    def _comment(
        self, visibility: Visibility, case: CaseRef, match: ColumnElement[bool], ref: object
    ) -> CommentView:
        tl, r = t.timeline_events, x.comment_reactions
        with self.engine.connect() as conn:
            row = (
                conn.execute(
                    select(tl).where(
                        match,
                        tl.c.subject_id == case_id_of(conn, case, visibility),
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
            author_id, submitter_id = author_and_submitter(row)
            users = load_users(conn, [author_id, submitter_id, *(u for _, u, _ in reactions)])
        return CommentView(
            id=int(row["seq"]),
            cell_id=row["id"],
            message=str(row["data"].get("message", "")),
            author=users.get(author_id) if author_id else None,
            created_at=row["created_at"],
            updated_at=row["modified_at"],
            submitted_by=users.get(submitter_id) if submitter_id else None,
            reactions=[(emoji, users[u], at) for emoji, u, at in reactions if u in users],
        )

    def file(self, visibility: Visibility, case: CaseRef, file_id: int) -> FileView:
        f, b, c = x.case_files, x.file_blobs, t.cases.c
        with self.engine.connect() as conn:
            row = (
                conn.execute(
                    select(f, b.c.md5, b.c.size, c.number)
                    .join(b, b.c.sha256 == f.c.sha256)
                    .join(t.cases, c.id == f.c.case_id)
                    .where(f.c.id == file_id, f.c.case_id == case_id_of(conn, case, visibility))
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
