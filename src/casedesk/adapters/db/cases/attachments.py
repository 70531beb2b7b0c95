"""The write side of a case's extra parts (`uow.case_extras`): records, buttons, reactions,
files, case numbers, and deleting a case."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, delete, func, insert, or_, select, update

from casedesk.adapters.db.schema import cases as x
from casedesk.adapters.db.schema import core as t
from casedesk.adapters.db.schema import incidents as it
from casedesk.domain import events as ev
from casedesk.domain.cases.attachments import Button, ButtonSpec, RecordField
from casedesk.domain.errors import NotFound
from casedesk.services.ports.case_bundle import RecordResults

# Tables holding a case's rows, deleted with it (their foreign keys may not cascade on
# every backend, and some have no foreign key at all).
CASE_TABLES = (
    x.case_assignees,
    x.case_records,
    x.case_buttons,
    x.case_files,
    t.case_attributes,
    t.case_custom_values,
    t.case_insights,
    t.case_key_aliases,
    t.case_watchers,
)


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


class SqlCaseExtrasRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def case_id(self, number: int) -> uuid.UUID:
        found: uuid.UUID | None = self.conn.execute(
            select(t.cases.c.id).where(t.cases.c.number == number)
        ).scalar_one_or_none()
        if found is None:
            raise NotFound("case", number)
        return found

    def user_ids(self, numbers: list[int]) -> list[uuid.UUID]:
        if not numbers:
            return []
        u = t.users.c
        query = select(u.id).where(u.number.in_(numbers), u.disabled.is_(False)).order_by(u.number)
        return list(self.conn.execute(query).scalars())

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
                tl.c.kind == ev.CASE_COMMENTED,
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

    def delete_case(self, case_id: uuid.UUID) -> None:
        # The handler unlinked the case's incidents; their rows are written at commit, after
        # this delete, so release the reference now for the foreign key.
        incidents = it.incidents
        self.conn.execute(update(incidents).where(incidents.c.case_id == case_id).values(case_id=None))
        for table in CASE_TABLES:
            self.conn.execute(delete(table).where(table.c.case_id == case_id))
        links = t.case_links.c
        ident = str(case_id)
        self.conn.execute(
            delete(t.case_links).where(
                or_(
                    and_(links.parent_entity_type == "CASE", links.parent_entity_id == ident),
                    and_(links.child_entity_type == "CASE", links.child_entity_id == ident),
                )
            )
        )
        self.conn.execute(delete(t.cases).where(t.cases.c.id == case_id))
