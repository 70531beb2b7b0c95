"""Row ⇄ domain translation for incidents, their items and the incident settings."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, insert, select

from casedesk.adapters.db.schema import incidents as it
from casedesk.domain.incidents.incident import Incident, IncidentItem
from casedesk.domain.incidents.items import ItemKind
from casedesk.domain.incidents.settings import Setting, SettingKind
from casedesk.domain.incidents.values import CustomerImpact, NotificationHandle
from casedesk.domain.incidents.vocab import IncidentState, Severity, Visibility

SEARCH_VALUE_MAX = 500


def incident_from_row(row: RowMapping) -> Incident:
    return Incident(
        id=row["id"],
        public_id=row["public_id"],
        title=row["title"],
        incident_type_id=row["incident_type_id"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        declared=row["declared"],
        detected=row["detected"],
        resolved=row["resolved"],
        state=IncidentState(row["state"]),
        severity=Severity(row["severity"]),
        impact=CustomerImpact(
            row["customer_impacted"],
            row["customer_impact_scope"],
            row["customer_impact_start"],
            row["customer_impact_end"],
        ),
        commander_id=row["commander_id"],
        declared_by=row["declared_by"],
        modified_by=row["modified_by"],
        modified_at=row["modified_at"],
        is_test=row["is_test"],
        visibility=Visibility(row["visibility"]),
        fields=dict(row["fields"] or {}),
        notification_handles=[
            NotificationHandle(h.get("handle", ""), h.get("display_name", ""))
            for h in row["notification_handles"] or []
        ],
        case_id=row["case_id"],
        deleted_at=row["deleted_at"],
    )


def incident_to_row(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.id,
        "public_id": incident.public_id,
        "title": incident.title,
        "incident_type_id": incident.incident_type_id,
        "state": incident.state.value,
        "severity": incident.severity.value,
        "customer_impacted": incident.impact.impacted,
        "customer_impact_scope": incident.impact.scope,
        "customer_impact_start": incident.impact.start,
        "customer_impact_end": incident.impact.end,
        "declared": incident.declared,
        "detected": incident.detected,
        "resolved": incident.resolved,
        "commander_id": incident.commander_id,
        "declared_by": incident.declared_by,
        "created_by": incident.created_by,
        "modified_by": incident.modified_by,
        "created_at": incident.created_at,
        "modified_at": incident.modified_at,
        "deleted_at": incident.deleted_at,
        "is_test": incident.is_test,
        "visibility": incident.visibility.value,
        "fields": incident.fields,
        "notification_handles": [h.as_data() for h in incident.notification_handles],
        "case_id": incident.case_id,
    }


def item_from_row(row: RowMapping) -> IncidentItem:
    return IncidentItem(
        id=row["id"],
        kind=ItemKind(row["kind"]),
        attributes=dict(row["attributes"]),
        created_at=row["created_at"],
        created_by=row["created_by"],
        modified_at=row["modified_at"],
        modified_by=row["modified_by"],
    )


def item_to_row(incident_id: uuid.UUID, item: IncidentItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "incident_id": incident_id,
        "kind": item.kind.value,
        "attributes": item.attributes,
        "created_at": item.created_at,
        "created_by": item.created_by,
        "modified_at": item.modified_at,
        "modified_by": item.modified_by,
    }


def load_items(conn: Connection, incident_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[IncidentItem]]:
    wanted = list(set(incident_ids))
    found: dict[uuid.UUID, list[IncidentItem]] = {}
    if not wanted:
        return found
    ii = it.incident_items
    rows = conn.execute(
        select(ii).where(ii.c.incident_id.in_(wanted)).order_by(ii.c.created_at, ii.c.id)
    ).mappings()
    for row in rows:
        found.setdefault(row["incident_id"], []).append(item_from_row(row))
    return found


def write_items(conn: Connection, incident: Incident) -> None:
    conn.execute(delete(it.incident_items).where(it.incident_items.c.incident_id == incident.id))
    if incident.items:
        conn.execute(insert(it.incident_items), [item_to_row(incident.id, i) for i in incident.items])


def write_field_values(conn: Connection, incident: Incident) -> None:
    """The search copy of the incident's field values (the incident row keeps the map)."""
    fv = it.incident_field_values
    conn.execute(delete(fv).where(fv.c.incident_id == incident.id))
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for name, selection in incident.fields.items():
        value = selection.get("value")
        for item in value if isinstance(value, list) else [value]:
            if item is None or not str(item).strip():
                continue
            text = str(item)[:SEARCH_VALUE_MAX]
            rows[(name, text)] = {
                "incident_id": incident.id,
                "name": name,
                "value": text,
                "value_folded": text.lower(),
            }
    if rows:
        conn.execute(insert(fv), list(rows.values()))


def setting_from_row(row: RowMapping) -> Setting:
    return Setting(
        id=row["id"],
        kind=SettingKind(row["kind"]),
        attributes=dict(row["attributes"]),
        created_at=row["created_at"],
        created_by=row["created_by"],
        modified_at=row["modified_at"],
        modified_by=row["modified_by"],
        deleted_at=row["deleted_at"],
    )


def setting_to_row(setting: Setting) -> dict[str, Any]:
    return {
        "id": setting.id,
        "kind": setting.kind.value,
        "name": setting.name[:500],
        "incident_type_id": setting.incident_type_id,
        "attributes": setting.attributes,
        "created_at": setting.created_at,
        "created_by": setting.created_by,
        "modified_at": setting.modified_at,
        "modified_by": setting.modified_by,
        "deleted_at": setting.deleted_at,
    }
