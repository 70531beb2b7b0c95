"""Incident commands, already parsed into domain values by the entry points."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from casedesk.domain.commands import Command
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import CaseRef
from casedesk.domain.incidents.fields import FieldInput
from casedesk.domain.incidents.items import ItemKind
from casedesk.domain.incidents.settings import SettingKind
from casedesk.domain.incidents.values import NotificationHandle, TimelineCell
from casedesk.domain.incidents.vocab import Visibility


@dataclass(frozen=True)
class IncidentRef:
    """An incident by its UUID or its public id (`42`, as people call it: IR-42)."""

    id: uuid.UUID | None = None
    public_id: int | None = None

    @classmethod
    def parse(cls, text: str, field: str = "incident_id") -> IncidentRef:
        text = text.strip()
        try:
            return cls(id=uuid.UUID(text))
        except ValueError:
            pass
        digits = text.upper().removeprefix("IR-")
        if digits.isascii() and digits.isdigit() and 0 < len(digits) <= 18 and int(digits) > 0:
            return cls(public_id=int(digits))
        raise ValidationFailed(field, f"{text!r} is neither an incident UUID nor a public id like 42")

    def __str__(self) -> str:
        return str(self.id) if self.id is not None else str(self.public_id)


UNSET: Any = object()  # "not sent" in partial updates, where None means "clear it"


@dataclass(frozen=True)
class CreateIncident(Command):
    title: str
    customer_impacted: bool
    customer_impact_scope: str | None = None
    fields: dict[str, FieldInput] = field(default_factory=dict)
    incident_type_id: uuid.UUID | None = None
    initial_cells: tuple[TimelineCell, ...] = ()
    is_test: bool = False
    notification_handles: tuple[NotificationHandle, ...] = ()
    commander_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ImportIncident(Command):
    title: str
    declared: datetime | None = None
    detected: datetime | None = None
    resolved: datetime | None = None
    fields: dict[str, FieldInput] = field(default_factory=dict)
    incident_type_id: uuid.UUID | None = None
    visibility: Visibility = Visibility.ORGANIZATION
    commander_id: uuid.UUID | None = None
    declared_by: uuid.UUID | None = None


@dataclass(frozen=True)
class UpdateIncident(Command):
    """A partial update: members left `UNSET` keep their values."""

    incident: IncidentRef
    title: Any = UNSET
    customer_impacted: Any = UNSET
    customer_impact_scope: Any = UNSET
    customer_impact_start: Any = UNSET
    customer_impact_end: Any = UNSET
    detected: Any = UNSET
    fields: dict[str, FieldInput] = field(default_factory=dict)
    notification_handles: Any = UNSET
    commander_id: Any = UNSET


IMPACT_MEMBERS = frozenset(
    {"customer_impacted", "customer_impact_scope", "customer_impact_start", "customer_impact_end"}
)
UPDATE_MEMBERS = IMPACT_MEMBERS | {"title", "detected", "notification_handles", "commander_id"}


@dataclass(frozen=True)
class DeleteIncident(Command):
    incident: IncidentRef


@dataclass(frozen=True)
class LinkIncidentToCase(Command):
    case: CaseRef
    incident: IncidentRef


@dataclass(frozen=True)
class AddIncidentItem(Command):
    incident: IncidentRef
    kind: ItemKind
    attributes: dict[str, Any]


@dataclass(frozen=True)
class UpdateIncidentItem(Command):
    incident: IncidentRef
    kind: ItemKind
    item_id: uuid.UUID
    changes: dict[str, Any]


@dataclass(frozen=True)
class RemoveIncidentItem(Command):
    incident: IncidentRef
    kind: ItemKind
    item_id: uuid.UUID


@dataclass(frozen=True)
class CreateIncidentSetting(Command):
    kind: SettingKind
    attributes: dict[str, Any]


@dataclass(frozen=True)
class UpdateIncidentSetting(Command):
    kind: SettingKind
    setting_id: uuid.UUID
    changes: dict[str, Any]


@dataclass(frozen=True)
class DeleteIncidentSetting(Command):
    kind: SettingKind
    setting_id: uuid.UUID


@dataclass(frozen=True)
class PutGlobalIncidentSettings(Command):
    """Changes the one global settings document (created on first use)."""

    changes: dict[str, Any]
