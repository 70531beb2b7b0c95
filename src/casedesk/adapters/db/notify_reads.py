"""The planner's reads in SQL (`services/ports/notify_reads.py`), each on one connection: a
case scene is the case row, its assignees and insights, its project with members, its
watchers, its rules and the people (about six queries); matching is one query for every
filter of the event."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import literal, select

from casedesk.adapters.db.cases.filter import compile_predicate
from casedesk.adapters.db.cases.includes import summaries
from casedesk.adapters.db.cases.saved_queries import window_from_row
from casedesk.adapters.db.connection_types import ReadConnections
from casedesk.adapters.db.incidents.rows import incident_from_row, setting_from_row
from casedesk.adapters.db.lookups import load_users
from casedesk.adapters.db.notification_rules import project_rules
from casedesk.adapters.db.repositories import project_members
from casedesk.adapters.db.rows import project_from_row
from casedesk.adapters.db.schema import core as t
from casedesk.adapters.db.schema import incidents as it
from casedesk.domain.incidents.settings import SettingKind
from casedesk.domain.maintenance import MaintenanceWindow
from casedesk.services.ports.notify_reads import CaseScene, IncidentScene
from casedesk.services.search.predicates import Predicate

KINDS = (SettingKind.NOTIFICATION_RULE, SettingKind.NOTIFICATION_TEMPLATE, SettingKind.INCIDENT_TYPE)


class SqlNotifyReads:
    def __init__(self, engine: ReadConnections) -> None:
        self.engine = engine

    def case_scene(self, case_id: uuid.UUID, people: set[uuid.UUID]) -> CaseScene | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.cases).where(t.cases.c.id == case_id)).mappings().first()
            if row is None:
                return None
            [case] = summaries(conn, [row])
            project_row = (
                conn.execute(select(t.projects).where(t.projects.c.id == case.project_id)).mappings().one()
            )
            members = project_members(conn, [case.project_id]).get(case.project_id, [])
            type_name = conn.execute(
                select(t.case_types.c.name).where(t.case_types.c.id == case.type_id)
            ).scalar()
            w = t.case_watchers.c
            watchers = tuple(
                conn.execute(
                    select(w.user_id).where(w.case_id == case_id).order_by(w.created_at, w.user_id)
                ).scalars()
            )
            rules = tuple(project_rules(conn, case.project_id))
            named = people | case.user_ids | set(watchers)
            return CaseScene(
                case=case,
                project=project_from_row(project_row, members),
                type_name=type_name or "",
                watcher_ids=watchers,
                rules=rules,
                people=load_users(conn, named),
            )

    def incident_scene(self, incident_id: uuid.UUID, people: set[uuid.UUID]) -> IncidentScene | None:
        i, s = it.incidents.c, it.incident_settings.c
        with self.engine.connect() as conn:
            row = (
                conn.execute(select(it.incidents).where(i.id == incident_id, i.deleted_at.is_(None)))
                .mappings()
                .first()
            )
            if row is None:
                return None
            incident = incident_from_row(row)
            query = (
                select(it.incident_settings)
                .where(s.kind.in_([k.value for k in KINDS]))
                .order_by(s.created_at, s.id)
            )
            settings = [setting_from_row(r) for r in conn.execute(query).mappings()]
            named = people | {
                u for u in (incident.commander_id, incident.created_by, incident.declared_by) if u
            }
            types = [
                x
                for x in settings
                if x.kind is SettingKind.INCIDENT_TYPE and x.id == incident.incident_type_id
            ]
            live = [x for x in settings if x.deleted_at is None]
            return IncidentScene(
                incident=incident,
                type_name=str(types[0].attributes.get("name", "")) if types else "",
                rules=tuple(x for x in live if x.kind is SettingKind.NOTIFICATION_RULE),
                templates={x.id: x for x in live if x.kind is SettingKind.NOTIFICATION_TEMPLATE},
                people=load_users(conn, named),
            )

    def case_matches(self, case_id: uuid.UUID, filters: Sequence[Predicate]) -> list[bool]:
        if not filters:
            return []
        columns = [compile_predicate(f).label(f"m{n}") for n, f in enumerate(filters)]
        query = select(literal(1), *columns).select_from(t.cases).where(t.cases.c.id == case_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return [False] * len(filters)
        return [bool(v) for v in row[1:]]

    def windows_active_at(self, moment: datetime) -> list[MaintenanceWindow]:
        m = t.maintenance_windows.c
        query = (
            select(t.maintenance_windows)
            .where(m.start_at <= moment, m.end_at > moment)
            .order_by(m.start_at, m.created_at, m.id)
        )
        with self.engine.connect() as conn:
            return [window_from_row(r) for r in conn.execute(query).mappings()]

    def on_behalf_of(self, event_id: uuid.UUID) -> uuid.UUID | None:
        e = t.timeline_events.c
        with self.engine.connect() as conn:
            found: uuid.UUID | None = conn.execute(select(e.on_behalf_of_id).where(e.id == event_id)).scalar()
            return found
