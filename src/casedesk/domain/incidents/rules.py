"""Incident notification rules and incident automation rules, as typed values.

Both are stored as incident settings (documents, see `incident_settings.py`); these values
are what those documents must be. A notification rule says when (`trigger`, `conditions`:
AND across fields, OR within a field's values; `renotify_on`) whom to notify (`handles`). An
automation rule runs a task when an incident matches. Which fields a condition may name
depends on the organisation's user-defined fields, so `IncidentFields` is built by the
services and checks conditions against it.
"""

from __future__ import annotations

import enum
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.handles import Handle
from casedesk.domain.incidents.fields import BUILTIN_FIELDS
from casedesk.domain.incidents.vocab import DETECTION_METHODS, IncidentState, Severity

FIELD_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,99}$")
VALUE_MAX = 500
VALUES_MAX = 100
HANDLES_MAX = 100


class IncidentTrigger(enum.Enum):
    SAVED = "incident_saved_trigger"
    CREATED = "incident_created_trigger"
    MODIFIED = "incident_modified_trigger"


class RuleVisibility(enum.Enum):
    ALL = "all"
    ORGANIZATION = "organization"
    PRIVATE = "private"


@dataclass(frozen=True)
class Condition:
    """The incident's `field` holds one of `values`."""

    field: str
    values: tuple[str, ...]

    def __post_init__(self) -> None:
        if not FIELD_NAME.match(self.field):
            raise ValidationFailed("field", f"{self.field!r} is not a field name (letters, digits, _ . -)")
        if not self.values:
            raise ValidationFailed("values", "a condition needs at least one value")
        if len(self.values) > VALUES_MAX:
            raise ValidationFailed("values", f"a condition takes at most {VALUES_MAX} values")
        for i, value in enumerate(self.values):
            if not value.strip() or len(value) > VALUE_MAX:
                raise ValidationFailed(f"values/{i}", f"a value is 1 to {VALUE_MAX} characters")


@dataclass(frozen=True)
class IncidentNotificationRule:
    conditions: tuple[Condition, ...]
    handles: tuple[Handle, ...]
    trigger: IncidentTrigger
    enabled: bool = False  # the contract's default for a new rule
    renotify_on: tuple[str, ...] = ()
    visibility: RuleVisibility = RuleVisibility.ORGANIZATION

    def __post_init__(self) -> None:
        if not self.handles:
            raise ValidationFailed("handles", "a rule needs at least one handle to notify")
        if len(self.handles) > HANDLES_MAX:
            raise ValidationFailed("handles", f"a rule notifies at most {HANDLES_MAX} handles")
        for i, name in enumerate(self.renotify_on):
            if not FIELD_NAME.match(name):
                raise ValidationFailed(f"renotify_on/{i}", f"{name!r} is not a field name")

    def fields_named(self) -> Iterator[tuple[str, str, tuple[str, ...]]]:
        """(path, field name, values) for every field the rule reads."""
        for i, condition in enumerate(self.conditions):
            yield f"conditions/{i}", condition.field, condition.values
        for i, name in enumerate(self.renotify_on):
            yield f"renotify_on/{i}", name, ()


class ExecutionType(enum.IntEnum):
    SINGLE = 1
    MULTI = 2


class RuleTask(enum.Enum):
    JIRA_CREATE_ISSUE = "jira-create-issue-job"
    NOTIFY_INCIDENT_HANDLES = "notify-incident-handles-job"
    SERVICENOW_CREATE_INCIDENT = "servicenow-create-incident-job"
    SLACK_CREATE_CHANNEL = "slack-create-channel-job"
    ZOOM_CREATE_MEETING = "zoom-create-meeting-job"
    GOOGLE_MEET_CREATE_MEETING = "google-meet-create-meeting-job"
    WORKFLOW_AUTOMATION = "workflow-automation-job"
    MS_TEAMS_CREATE_MEETING = "ms-teams-create-meeting-job"
    GOOGLE_CHAT_CREATE_SPACE = "google-chat-create-space-job"
    ZOOM_SUPPRESS_SUMMARIZATION = "zoom-suppress-summarization-job"
    MS_TEAMS_SUPPRESS_SUMMARIZATION = "ms-teams-suppress-summarization-job"
    GOOGLE_MEET_SUPPRESS_SUMMARIZATION = "google-meet-suppress-summarization-job"


@dataclass(frozen=True)
class QueryCondition:
    """An incident search query (`raw_query`); the services check that it parses."""

    normalized_query: str | None = None
    raw_query: str | None = None


@dataclass(frozen=True)
class IncidentRule:
    """Runs `task_id` with `task_payload` (JSON text) when an incident matches `condition`
    (a query) and `conditions` (all of them, or any with `match_any_condition`)."""

    condition: QueryCondition
    condition_table_type: int
    enabled: bool
    execution_type: ExecutionType
    task_id: RuleTask
    task_payload: str
    conditions: tuple[Condition, ...] | None = None
    incident_type_uuid: str | None = None
    match_any_condition: bool | None = None
    trigger: IncidentTrigger | None = None

    def __post_init__(self) -> None:
        if self.condition_table_type < 1:
            raise ValidationFailed(
                "condition_table_type", "the condition table type is 1 (raw query) or more"
            )
        try:
            json.loads(self.task_payload)
        except ValueError:
            raise ValidationFailed("task_payload", "task_payload must be JSON text, e.g. '{}'") from None
        if self.incident_type_uuid is not None:
            try:
                uuid.UUID(self.incident_type_uuid)
            except ValueError:
                raise ValidationFailed("incident_type_uuid", "incident_type_uuid must be a UUID") from None

    def fields_named(self) -> Iterator[tuple[str, str, tuple[str, ...]]]:
        for i, condition in enumerate(self.conditions or ()):
            yield f"conditions/{i}", condition.field, condition.values


# Built-in fields whose values are a closed list.
BUILTIN_VALUES: dict[str, tuple[str, ...]] = {
    "state": tuple(s.value for s in IncidentState),
    "severity": tuple(s.value for s in Severity),
    "detection_method": DETECTION_METHODS,
}
# Datadog's own examples name the state `status` (`renotify_on: [status, severity]`).
ALIASES = {"status": "state"}


@dataclass(frozen=True)
class IncidentFields:
    """The fields an incident can carry: the built-in ones and the organisation's
    user-defined fields, each with its allowed values when they are a closed list."""

    allowed: tuple[tuple[str, tuple[str, ...] | None], ...]

    @classmethod
    def of(cls, user_defined: Iterable[tuple[str, tuple[str, ...] | None]]) -> IncidentFields:
        builtin = [(name, BUILTIN_VALUES.get(name)) for name in BUILTIN_FIELDS]
        return cls((*builtin, *user_defined))

    def check(self, named: Iterable[tuple[str, str, tuple[str, ...]]]) -> None:
        """Refuses a field the incident cannot carry, or a value outside a closed list."""
        known = dict(self.allowed)
        for path, name, values in named:
            canonical = ALIASES.get(name, name)
            if canonical not in known:
                where = f"{path}/field" if path.startswith("conditions/") else path
                shown = ", ".join(sorted(known))
                raise ValidationFailed(where, f"unknown incident field {name!r}; fields are {shown}")
            allowed = known[canonical]
            for i, value in enumerate(values):
                if allowed is not None and value not in allowed:
                    raise ValidationFailed(
                        f"{path}/values/{i}", f"invalid {name} {value!r}; must be one of {', '.join(allowed)}"
                    )
