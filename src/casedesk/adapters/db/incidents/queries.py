"""The incident read side: queries that return incidents, settings and facets, never write."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import Connection, func, select

from casedesk.adapters.db.access import visible_cases
from casedesk.adapters.db.connection_types import ReadConnections
from casedesk.adapters.db.incidents.filter import compile_incident_predicate
from casedesk.adapters.db.incidents.repository import incident_ref_clause
from casedesk.adapters.db.incidents.rows import incident_from_row, load_items, setting_from_row
from casedesk.adapters.db.lookups import load_users
from casedesk.adapters.db.schema import core as t
from casedesk.adapters.db.schema import incidents as it
from casedesk.domain.errors import NotFound
from casedesk.domain.incidents.commands import IncidentRef
from casedesk.domain.incidents.incident import Incident
from casedesk.domain.incidents.settings import Setting, SettingKind
from casedesk.domain.users import User
from casedesk.services.ports.access import Visibility
from casedesk.services.ports.incidents import (
    FacetCount,
    IncidentDetail,
    IncidentFacets,
    IncidentPage,
    IncidentSearch,
)
from casedesk.services.search.incident_predicates import IncidentPredicate

inc = it.incidents
# Facets are counted over at most this many matching incidents (the newest ones).
FACET_SCAN_MAX = 10_000
FACET_VALUES_MAX = 50


class SqlIncidentReadModel:
    def __init__(self, engine: ReadConnections) -> None:
        self.engine = engine

    def incident(self, visibility: Visibility, ref: IncidentRef) -> IncidentDetail:
        with self.engine.connect() as conn:
            query = select(inc).where(incident_ref_clause(ref), inc.c.deleted_at.is_(None))
            row = conn.execute(query).mappings().first()
            if row is None:
                raise NotFound("incident", ref)
            [detail] = self._read_incidents(conn, [incident_from_row(row)], visibility)
            detail.users = load_users(conn, _user_ids([detail.incident]))
            return detail

    def search_incidents(self, visibility: Visibility, search: IncidentSearch) -> IncidentPage:
        condition = inc.c.deleted_at.is_(None) & compile_incident_predicate(search.filter)
        order = [inc.c.created_at.desc(), inc.c.public_id.desc()]
        if not search.newest_first:
            order = [inc.c.created_at.asc(), inc.c.public_id.asc()]
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(inc).where(condition)).scalar_one()
            rows = conn.execute(
                select(inc).where(condition).order_by(*order).limit(search.size).offset(search.offset)
            ).mappings()
            found = self._read_incidents(conn, [incident_from_row(r) for r in rows], visibility)
            users = load_users(conn, _user_ids([d.incident for d in found]))
        return IncidentPage(incidents=found, total=total, users=users)

    def incident_facets(self, filter: IncidentPredicate) -> IncidentFacets:
        condition = inc.c.deleted_at.is_(None) & compile_incident_predicate(filter)
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(inc).where(condition).order_by(inc.c.created_at.desc()).limit(FACET_SCAN_MAX)
            ).mappings()
            # Facets name no case: which cases the caller may see does not matter here.
            incidents = self._read_incidents(
                conn, [incident_from_row(r) for r in rows], Visibility.everything()
            )
            users = load_users(conn, _user_ids([d.incident for d in incidents]))
        return facets_of([d.incident for d in incidents], users)

    def settings(self, kind: SettingKind, *, include_deleted: bool = False) -> list[Setting]:
        s = it.incident_settings
        query = select(s).where(s.c.kind == kind.value).order_by(s.c.created_at, s.c.id)
        if not include_deleted:
            query = query.where(s.c.deleted_at.is_(None))
        with self.engine.connect() as conn:
            return [setting_from_row(r) for r in conn.execute(query).mappings()]

    def setting(self, kind: SettingKind, setting_id: uuid.UUID) -> Setting:
        s = it.incident_settings
        query = select(s).where(s.c.id == setting_id, s.c.kind == kind.value, s.c.deleted_at.is_(None))
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            raise NotFound(kind.label, setting_id)
        return setting_from_row(row)

    def users(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, User]:
        with self.engine.connect() as conn:
            return load_users(conn, ids)

    # -- helpers --------------------------------------------------------------------------

    def _read_incidents(
        self, conn: Connection, incidents: list[Incident], visibility: Visibility
    ) -> list[IncidentDetail]:
        """The incidents with their items and the number of the case each is linked to, when
        the caller may see that case (an incident linked to a hidden case shows none)."""
        items = load_items(conn, [i.id for i in incidents])
        case_ids = {i.case_id for i in incidents if i.case_id}
        numbers: dict[uuid.UUID, int] = {}
        if case_ids:
            query = select(t.cases.c.id, t.cases.c.number).where(
                t.cases.c.id.in_(case_ids), visible_cases(conn, visibility)
            )
            numbers = {row.id: row.number for row in conn.execute(query)}
        found = []
        for incident in incidents:
            incident.items = items.get(incident.id, [])
            number = numbers.get(incident.case_id) if incident.case_id else None
            found.append(IncidentDetail(incident=incident, case_number=number))
        return found


def _user_ids(incidents: list[Incident]) -> set[uuid.UUID]:
    ids: set[uuid.UUID] = set()
    for incident in incidents:
        ids.update(u for u in (incident.created_by, incident.modified_by, incident.commander_id) if u)
        ids.update(u for u in [incident.declared_by] if u)
        for item in incident.items:
            ids.update(u for u in (item.created_by, item.modified_by) if u)
            if "user_id" in item.attributes:
                ids.add(uuid.UUID(str(item.attributes["user_id"])))
    return ids


def facets_of(incidents: list[Incident], users: dict[uuid.UUID, User]) -> IncidentFacets:
    """Counts per facet value, most frequent first; user facets name the user."""

    def counted(values: Iterable[str]) -> list[FacetCount]:
        return [FacetCount(name, n) for name, n in Counter(values).most_common(FACET_VALUES_MAX)]

    def by_user(ids: Iterable[uuid.UUID | None]) -> list[FacetCount]:
        counts = Counter(i for i in ids if i is not None)
        return [
            FacetCount(str(user_id), n, users.get(user_id))
            for user_id, n in counts.most_common(FACET_VALUES_MAX)
        ]

    fields: dict[str, list[str]] = {}
    for incident in incidents:
        for name, selection in incident.fields.items():
            value = selection.get("value")
            fields.setdefault(name, []).extend(
                str(v) for v in (value if isinstance(value, list) else [value]) if v is not None
            )
    responders = [
        uuid.UUID(str(item.attributes["user_id"]))
        for incident in incidents
        for item in incident.items
        if item.kind.value == "responder"
    ]
    repair = [i.metrics.time_to_repair for i in incidents]
    resolve = [i.metrics.time_to_resolve for i in incidents]
    return IncidentFacets(
        counts={
            "state": counted(i.state.value for i in incidents),
            "severity": counted(i.severity.value for i in incidents),
            "impact": counted("customer_impacted" if i.impact.impacted else "none" for i in incidents),
            "postmortem": counted(
                "yes" if any(x.attributes.get("attachment_type") == "postmortem" for x in i.items) else "no"
                for i in incidents
            ),
            "commander": by_user(i.commander_id for i in incidents),
            "created_by": by_user(i.created_by for i in incidents),
            "last_modified_by": by_user(i.modified_by for i in incidents),
            "responder": by_user(responders),
        },
        fields={name: counted(values) for name, values in fields.items()},
        ranges={
            "time_to_repair": (float(min(repair)), float(max(repair))) if repair else (None, None),
            "time_to_resolve": (float(min(resolve)), float(max(resolve))) if resolve else (None, None),
        },
    )
