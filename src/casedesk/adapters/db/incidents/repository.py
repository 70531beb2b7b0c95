"""Incident repositories over one SQLAlchemy connection; they read and write, never commit."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, insert, select, update

from casedesk.adapters.db.incidents.rows import (
    incident_from_row,
    incident_to_row,
    load_items,
    setting_from_row,
    setting_to_row,
    write_field_values,
    write_items,
)
from casedesk.adapters.db.repositories import next_counter
from casedesk.adapters.db.schema import incidents as it
from casedesk.domain.errors import NotFound
from casedesk.domain.incidents.commands import IncidentRef
from casedesk.domain.incidents.incident import Incident
from casedesk.domain.incidents.settings import Setting, SettingKind


def incident_ref_clause(ref: IncidentRef) -> ColumnElement[bool]:
    if ref.id is not None:
        return it.incidents.c.id == ref.id
    return it.incidents.c.public_id == ref.public_id


@dataclass(frozen=True)
class _Stored:
    """What the side tables hold for an incident, to rewrite them only when they changed."""

    fields: dict[str, Any]
    items: list[tuple[Any, ...]]

    @classmethod
    def of(cls, incident: Incident) -> _Stored:
        return cls(
            fields=copy.deepcopy(incident.fields),
            items=[(i.id, copy.deepcopy(i.attributes), i.modified_at) for i in incident.items],
        )


class SqlIncidentRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.seen: dict[uuid.UUID, Incident] = {}
        self.new: set[uuid.UUID] = set()
        self.stored: dict[uuid.UUID, _Stored] = {}

    def get(self, ref: IncidentRef) -> Incident:
        query = select(it.incidents).where(incident_ref_clause(ref), it.incidents.c.deleted_at.is_(None))
        row = self.conn.execute(query.with_for_update()).mappings().first()
        if row is None:
            raise NotFound("incident", ref)
        incident = self.seen.get(row["id"])
        if incident is None:
            incident = self.seen[row["id"]] = incident_from_row(row)
            incident.items = load_items(self.conn, [incident.id]).get(incident.id, [])
            self.stored[incident.id] = _Stored.of(incident)
        return incident

    def add(self, incident: Incident) -> None:
        self.seen[incident.id] = incident
        self.new.add(incident.id)

    def linked_to_case(self, case_id: uuid.UUID) -> list[Incident]:
        query = (
            select(it.incidents).where(it.incidents.c.case_id == case_id).order_by(it.incidents.c.public_id)
        )
        linked = []
        for row in self.conn.execute(query.with_for_update()).mappings():
            incident = self.seen.get(row["id"])
            if incident is None:
                incident = self.seen[row["id"]] = incident_from_row(row)
                incident.items = load_items(self.conn, [incident.id]).get(incident.id, [])
                self.stored[incident.id] = _Stored.of(incident)
            linked.append(incident)
        return linked

    def next_public_id(self) -> int:
        return next_counter(self.conn, "incident_public_id")

    def flush(self) -> None:
        for incident_id, incident in self.seen.items():
            row = incident_to_row(incident)
            stored = self.stored.get(incident_id)
            if incident_id in self.new:
                self.conn.execute(insert(it.incidents).values(**row))
            else:
                self.conn.execute(update(it.incidents).where(it.incidents.c.id == incident_id).values(**row))
            now = _Stored.of(incident)
            if stored is None or now.items != stored.items:
                write_items(self.conn, incident)
            if stored is None or now.fields != stored.fields:
                write_field_values(self.conn, incident)
            self.stored[incident_id] = now
        self.new.clear()


class SqlIncidentSettingRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, kind: SettingKind, setting_id: uuid.UUID) -> Setting:
        s = it.incident_settings
        query = select(s).where(s.c.id == setting_id, s.c.kind == kind.value, s.c.deleted_at.is_(None))
        row = self.conn.execute(query.with_for_update()).mappings().first()
        if row is None:
            raise NotFound(kind.label, setting_id)
        return setting_from_row(row)

    def all(self, kind: SettingKind, *, lock: bool = True) -> list[Setting]:
        """`lock` when the caller may change them (settings edits); incident writes that
        only read them (default type, field definitions) must not queue behind each other."""
        s = it.incident_settings
        query = (
            select(s).where(s.c.kind == kind.value, s.c.deleted_at.is_(None)).order_by(s.c.created_at, s.c.id)
        )
        if lock:
            query = query.with_for_update()
        return [setting_from_row(r) for r in self.conn.execute(query).mappings()]

    def add(self, setting: Setting) -> None:
        self.conn.execute(insert(it.incident_settings).values(**setting_to_row(setting)))

    def save(self, setting: Setting) -> None:
        s = it.incident_settings
        self.conn.execute(update(s).where(s.c.id == setting.id).values(**setting_to_row(setting)))
