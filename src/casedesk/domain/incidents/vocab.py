"""The vocabulary of incidents: states, severities, field kinds and the built-in incident type."""

from __future__ import annotations

import enum
import uuid


class IncidentState(enum.Enum):
    ACTIVE = "active"
    STABLE = "stable"
    RESOLVED = "resolved"
    COMPLETED = "completed"

    @property
    def is_closed(self) -> bool:
        """Resolved and completed incidents are over; `resolved` is stamped on entering them."""
        return self in (IncidentState.RESOLVED, IncidentState.COMPLETED)


class Severity(enum.Enum):
    UNKNOWN = "UNKNOWN"
    SEV_0 = "SEV-0"
    SEV_1 = "SEV-1"
    SEV_2 = "SEV-2"
    SEV_3 = "SEV-3"
    SEV_4 = "SEV-4"
    SEV_5 = "SEV-5"


class FieldKind(enum.Enum):
    """How an incident field holds its value: one string, or a list of strings."""

    DROPDOWN = "dropdown"
    TEXTBOX = "textbox"
    MULTISELECT = "multiselect"
    TEXTARRAY = "textarray"
    METRICTAG = "metrictag"
    AUTOCOMPLETE = "autocomplete"

    @property
    def is_multi(self) -> bool:
        return self not in (FieldKind.DROPDOWN, FieldKind.TEXTBOX)


class TimestampKind(enum.Enum):
    """The incident timestamps a person may override after the fact."""

    DETECTED = "detected"
    RESOLVED = "resolved"
    DECLARED = "declared"


class Visibility(enum.Enum):
    ORGANIZATION = "organization"
    PRIVATE = "private"


# Datadog's user-defined field types, by number (1=dropdown … 8=datetime).
UDF_TYPES: dict[int, str] = {
    1: "dropdown",
    2: "multiselect",
    3: "textbox",
    4: "textarray",
    5: "metrictag",
    6: "autocomplete",
    7: "number",
    8: "datetime",
}

DEFAULT_INCIDENT_TYPE_ID = uuid.UUID("00000000-0000-0000-0000-00000000000a")
DEFAULT_INCIDENT_TYPE_NAME = "Incident"
DEFAULT_INCIDENT_PREFIX = "IR"

DETECTION_METHODS = ("customer", "employee", "monitor", "other", "unknown")
