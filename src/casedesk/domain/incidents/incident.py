"""The Incident aggregate: its state, the rules for changing it, and the events each change
records. Its sub-resources (todos, attachments, responders, ...) are `IncidentItem`s it owns,
so every change to them is an incident change with its own timeline event."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.events import Event
from casedesk.domain.incidents.fields import BUILTIN_FIELDS, FieldInput, clean_fields
from casedesk.domain.incidents.items import ItemKind, clean, identity
from casedesk.domain.incidents.metrics import IncidentMetrics, IncidentTimes, compute_metrics
from casedesk.domain.incidents.values import (
    CustomerImpact,
    NotificationHandle,
    TimelineCell,
    clean_handles,
    clean_title,
)
from casedesk.domain.incidents.vocab import IncidentState, Severity, TimestampKind, Visibility

CELLS_MAX = 50

# Event kinds; the values are stable: they are stored and sent to receivers.
CREATED = "incident.created"
TITLE_CHANGED = "incident.title_changed"
STATE_CHANGED = "incident.state_changed"
SEVERITY_CHANGED = "incident.severity_changed"
FIELDS_CHANGED = "incident.fields_changed"
COMMANDER_CHANGED = "incident.commander_changed"
CUSTOMER_IMPACT_CHANGED = "incident.customer_impact_changed"
DETECTED_CHANGED = "incident.detected_changed"
HANDLES_CHANGED = "incident.notification_handles_changed"
CELL_ADDED = "incident.cell_added"
CASE_LINKED = "incident.case_linked"
CASE_UNLINKED = "incident.case_unlinked"
DELETED = "incident.deleted"


@dataclass
class IncidentItem:
    """A sub-resource of an incident; `attributes` are JSON-safe and already checked."""

    id: uuid.UUID
    kind: ItemKind
    attributes: dict[str, Any]
    created_at: datetime
    created_by: uuid.UUID | None
    modified_at: datetime | None = None
    modified_by: uuid.UUID | None = None


@dataclass
class Incident:
    id: uuid.UUID
    public_id: int
    title: str
    incident_type_id: uuid.UUID
    created_by: uuid.UUID
    created_at: datetime
    declared: datetime
    detected: datetime | None = None
    resolved: datetime | None = None
    state: IncidentState = IncidentState.ACTIVE
    severity: Severity = Severity.UNKNOWN
    impact: CustomerImpact = field(default_factory=lambda: CustomerImpact(False))
    commander_id: uuid.UUID | None = None
    declared_by: uuid.UUID | None = None
    modified_by: uuid.UUID | None = None
    modified_at: datetime | None = None
    is_test: bool = False
    visibility: Visibility = Visibility.ORGANIZATION
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    notification_handles: list[NotificationHandle] = field(default_factory=list)
    case_id: uuid.UUID | None = None
    deleted_at: datetime | None = None
    items: list[IncidentItem] = field(default_factory=list)
    events: list[Event] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def declare(
        cls,
        *,
        public_id: int,
        title: str,
        incident_type_id: uuid.UUID,
        impact: CustomerImpact,
        fields: dict[str, FieldInput],
        commander_id: uuid.UUID | None,
        is_test: bool,
        handles: tuple[NotificationHandle, ...],
        cells: tuple[TimelineCell, ...],
        actor: uuid.UUID,
        now: datetime,
        declared: datetime | None = None,
        detected: datetime | None = None,
        resolved: datetime | None = None,
        visibility: Visibility = Visibility.ORGANIZATION,
    ) -> Incident:
        """A new incident. Imports pass the past `declared`/`detected`/`resolved` moments;
        an imported incident was created when it was declared."""
        if len(cells) > CELLS_MAX:
            raise ValidationFailed("initial_cells", f"at most {CELLS_MAX} initial cells")
        declared = declared or now
        incident = cls(
            id=uuid.uuid4(),
            public_id=public_id,
            title=clean_title(title),
            incident_type_id=incident_type_id,
            created_by=actor,
            created_at=declared,
            declared=declared,
            detected=detected or declared,
            impact=impact.checked(now),
            commander_id=commander_id,
            declared_by=actor,
            is_test=is_test,
            visibility=visibility,
            notification_handles=clean_handles(handles),
        )
        incident._apply_fields(clean_fields(fields), actor, now, record=False)
        if resolved is not None:
            if not incident.state.is_closed:
                incident.state = IncidentState.RESOLVED
            incident.resolved = resolved
        incident._record(CREATED, actor, now, incident._summary())
        for cell in cells:
            incident._record(CELL_ADDED, actor, now, {"content": cell.content, "important": cell.important})
        return incident

    # -- derived values --------------------------------------------------------------------

    def effective(self, kind: TimestampKind) -> datetime | None:
        """A timestamp as reported: its override when someone set one, else its own value."""
        for item in self.items_of(ItemKind.TIMESTAMP_OVERRIDE):
            if item.attributes.get("timestamp_type") == kind.value:
                return datetime.fromisoformat(str(item.attributes["timestamp_value"]))
        own = {TimestampKind.DETECTED: self.detected, TimestampKind.RESOLVED: self.resolved}
        return own.get(kind, self.declared)

    @property
    def metrics(self) -> IncidentMetrics:
        return compute_metrics(
            IncidentTimes(
                created=self.created_at,
                detected=self.effective(TimestampKind.DETECTED),
                resolved=self.effective(TimestampKind.RESOLVED),
                customer_impact_start=self.impact.start,
                customer_impact_end=self.impact.end,
            )
        )

    def shown_fields(self) -> dict[str, dict[str, Any]]:
        """Every field as shown: built-in defaults, the selections made, state and severity."""
        shown: dict[str, dict[str, Any]] = {
            name: {"type": kind.value, "value": default} for name, (kind, default) in BUILTIN_FIELDS.items()
        }
        shown.update(self.fields)
        shown["state"] = {"type": "dropdown", "value": self.state.value}
        shown["severity"] = {"type": "dropdown", "value": self.severity.value}
        return shown

    # -- changes ---------------------------------------------------------------------------

    def retitle(self, title: str, actor: uuid.UUID, now: datetime) -> None:
        title = clean_title(title)
        if title != self.title:
            old, self.title = self.title, title
            self._changed(TITLE_CHANGED, actor, now, old, title)

    def change_state(self, state: IncidentState, actor: uuid.UUID, now: datetime) -> None:
        if state is self.state:
            return
        old, self.state = self.state, state
        if state.is_closed and not old.is_closed:
            self.resolved = now
        elif not state.is_closed:
            # Reopened: the incident is not resolved any more, so time_to_resolve is unknown.
            self.resolved = None
        self._changed(STATE_CHANGED, actor, now, old.value, state.value)

    def change_severity(self, severity: Severity, actor: uuid.UUID, now: datetime) -> None:
        if severity is not self.severity:
            old, self.severity = self.severity, severity
            self._changed(SEVERITY_CHANGED, actor, now, old.value, severity.value)

    def set_fields(self, fields: dict[str, FieldInput], actor: uuid.UUID, now: datetime) -> None:
        """Sets the fields named; the others keep their values."""
        self._apply_fields(clean_fields(fields), actor, now, record=True)

    def set_commander(self, commander_id: uuid.UUID | None, actor: uuid.UUID, now: datetime) -> None:
        if commander_id != self.commander_id:
            old, self.commander_id = self.commander_id, commander_id
            self._changed(COMMANDER_CHANGED, actor, now, _text(old), _text(commander_id))

    def set_customer_impact(self, impact: CustomerImpact, actor: uuid.UUID, now: datetime) -> None:
        impact = impact.checked(now)
        if impact != self.impact:
            old, self.impact = self.impact, impact
            self._changed(CUSTOMER_IMPACT_CHANGED, actor, now, _impact_data(old), _impact_data(impact))

    def set_detected(self, detected: datetime | None, actor: uuid.UUID, now: datetime) -> None:
        if detected != self.detected:
            old, self.detected = self.detected, detected
            self._changed(DETECTED_CHANGED, actor, now, _iso(old), _iso(detected))

    def set_notification_handles(
        self, handles: tuple[NotificationHandle, ...], actor: uuid.UUID, now: datetime
    ) -> None:
        cleaned = clean_handles(handles)
        if cleaned != self.notification_handles:
            old, self.notification_handles = self.notification_handles, cleaned
            self._changed(
                HANDLES_CHANGED, actor, now, [h.as_data() for h in old], [h.as_data() for h in cleaned]
            )

    def link_case(self, case_id: uuid.UUID, case_key: str, actor: uuid.UUID, now: datetime) -> None:
        if self.case_id == case_id:
            return
        if self.case_id is not None:
            raise ValidationFailed(
                "incident_id", f"incident {self.public_id} is already linked to another case"
            )
        self.case_id = case_id
        self._record(CASE_LINKED, actor, now, {"case_id": str(case_id), "case_key": case_key})

    def unlink_case(self, actor: uuid.UUID, now: datetime) -> None:
        """The linked case is going away (deleted); the incident outlives it."""
        if self.case_id is not None:
            old, self.case_id = self.case_id, None
            self._record(CASE_UNLINKED, actor, now, {"case_id": str(old)})

    def delete(self, actor: uuid.UUID, now: datetime) -> None:
        if self.deleted_at is None:
            self.deleted_at = now
            self._record(DELETED, actor, now, {"public_id": self.public_id, "title": self.title})

    # -- sub-resources ---------------------------------------------------------------------

    def items_of(self, kind: ItemKind) -> list[IncidentItem]:
        return [item for item in self.items if item.kind is kind]

    def item(self, kind: ItemKind, item_id: uuid.UUID) -> IncidentItem:
        for item in self.items:
            if item.id == item_id and item.kind is kind:
                return item
        raise NotFound(kind.label, item_id)

    def add_item(
        self, kind: ItemKind, attributes: dict[str, Any], actor: uuid.UUID, now: datetime
    ) -> IncidentItem:
        attributes = clean(kind, attributes)
        if len(self.items_of(kind)) >= kind.limit:
            raise ValidationFailed("data", f"an incident holds at most {kind.limit} {kind.label}s")
        key = identity(kind, attributes)
        if key is not None and any(identity(kind, i.attributes) == key for i in self.items_of(kind)):
            raise ValidationFailed("data", f"the incident already has a {kind.label} for {key}")
        item = IncidentItem(uuid.uuid4(), kind, attributes, now, actor, now, actor)
        self.items.append(item)
        self._record(
            f"incident.{kind.value}_added", actor, now, {"id": str(item.id), "attributes": attributes}
        )
        return item

    def update_item(
        self, kind: ItemKind, item_id: uuid.UUID, changes: dict[str, Any], actor: uuid.UUID, now: datetime
    ) -> IncidentItem:
        item = self.item(kind, item_id)
        merged = clean(kind, {**item.attributes, **changes})
        if merged != item.attributes:
            old, item.attributes = item.attributes, merged
            item.modified_at, item.modified_by = now, actor
            self._record(
                f"incident.{kind.value}_updated",
                actor,
                now,
                {"id": str(item.id), "old": old, "new": merged},
            )
        return item

    def remove_item(self, kind: ItemKind, item_id: uuid.UUID, actor: uuid.UUID, now: datetime) -> None:
        item = self.item(kind, item_id)
        self.items.remove(item)
        self._record(
            f"incident.{kind.value}_removed", actor, now, {"id": str(item.id), "attributes": item.attributes}
        )

    # -- helpers ---------------------------------------------------------------------------

    def _apply_fields(
        self, fields: dict[str, FieldInput], actor: uuid.UUID, now: datetime, *, record: bool
    ) -> None:
        changed: dict[str, Any] = {}
        for name, given in fields.items():
            if name == "state" and isinstance(given.value, str):
                if record:
                    self.change_state(IncidentState(given.value), actor, now)
                else:
                    self._set_state(IncidentState(given.value), now)
            elif name == "severity" and isinstance(given.value, str):
                if record:
                    self.change_severity(Severity(given.value), actor, now)
                else:
                    self.severity = Severity(given.value)
            elif self.fields.get(name) != given.as_data():
                changed[name] = {"old": self.fields.get(name), "new": given.as_data()}
                self.fields = {**self.fields, name: given.as_data()}
        if changed and record:
            self._record(FIELDS_CHANGED, actor, now, {"fields": changed})

    def _set_state(self, state: IncidentState, now: datetime) -> None:
        self.state = state
        self.resolved = now if state.is_closed else None

    def _summary(self) -> dict[str, Any]:
        return {
            "public_id": self.public_id,
            "title": self.title,
            "state": self.state.value,
            "severity": self.severity.value,
            "commander_id": _text(self.commander_id),
            "customer_impacted": self.impact.impacted,
            "is_test": self.is_test,
        }

    def _changed(self, kind: str, actor: uuid.UUID, now: datetime, old: Any, new: Any) -> None:
        self._record(kind, actor, now, {"old": old, "new": new})

    def _record(self, kind: str, actor: uuid.UUID, now: datetime, data: dict[str, Any]) -> Event:
        self.modified_by = actor
        self.modified_at = now
        event = Event(
            kind=kind, subject_type="incident", subject_id=self.id, actor_id=actor, at=now, data=data
        )
        self.events.append(event)
        return event


def _text(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _impact_data(impact: CustomerImpact) -> dict[str, Any]:
    return {
        "customer_impacted": impact.impacted,
        "scope": impact.scope,
        "start": _iso(impact.start),
        "end": _iso(impact.end),
    }
