"""A project's settings: personal notifications, auto-close, auto-transition, and the incident,
Jira, monitor, On-Call and ServiceNow integrations.

The members and their names are those of Datadog's `ProjectSettings`, which casedesk adopts
as its vocabulary for project settings (as `vocab.py` does for statuses and priorities). Every
member is optional: None means "not set", so settings read back with exactly what was
written. Values check themselves on construction; `documents.from_document` reads them from
JSON and points at the member it refuses. Query texts (auto-escalation, On-Call escalation) are
checked by the services, where the search parser lives.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass

from casedesk.domain.documents import Pairs
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.incidents.vocab import Severity
from casedesk.domain.vocab import Priority

# Auto-close sweeps daily; ten years is the longest inactivity that means anything.
INACTIVE_MAX_SECS = 10 * 365 * 24 * 3600


class NotificationDestination(enum.IntEnum):
    EMAIL = 1
    SLACK = 2
    IN_APP = 3


@dataclass(frozen=True)
class NotificationSettings:
    """Personal notifications to the people a case involves (assignee, watchers, mentioned
    users), apart from rule-based routing."""

    destinations: tuple[NotificationDestination, ...] | None = None
    enabled: bool | None = None
    notify_on_case_assignment: bool | None = None
    notify_on_case_closed: bool | None = None
    notify_on_case_comment: bool | None = None
    notify_on_case_comment_mention: bool | None = None
    notify_on_case_priority_change: bool | None = None
    notify_on_case_status_change: bool | None = None
    notify_on_case_unassignment: bool | None = None

    def __post_init__(self) -> None:
        seen: set[NotificationDestination] = set()
        for i, destination in enumerate(self.destinations or ()):
            if destination in seen:
                raise ValidationFailed(
                    f"destinations/{i}", f"destination {destination.value} is listed twice"
                )
            seen.add(destination)


@dataclass(frozen=True)
class AutoCloseInactiveCases:
    enabled: bool | None = None
    max_inactive_time_in_secs: int | None = None

    def __post_init__(self) -> None:
        secs = self.max_inactive_time_in_secs
        if secs is not None and not 0 < secs <= INACTIVE_MAX_SECS:
            raise ValidationFailed(
                "max_inactive_time_in_secs", f"must be between 1 and {INACTIVE_MAX_SECS} seconds"
            )
        if self.enabled and secs is None:
            raise ValidationFailed("max_inactive_time_in_secs", "auto-close needs the inactive time")


@dataclass(frozen=True)
class AutoTransitionAssignedCases:
    auto_transition_assigned_cases_on_self_assigned: bool | None = None


@dataclass(frozen=True)
class FieldMapping:
    """Copies an incident's user-defined field into a case field."""

    case_field: str | None = None
    incident_user_defined_field_id: str | None = None


@dataclass(frozen=True)
class SeverityConfig:
    """Which case priority each incident severity corresponds to."""

    priority_mapping: Pairs[str] | None = None

    def __post_init__(self) -> None:
        severities = {s.value for s in Severity}
        priorities = {p.value for p in Priority}
        for severity, priority in self.priority_mapping or ():
            where = f"priority_mapping/{severity}"
            if severity not in severities:
                raise ValidationFailed(where, f"unknown severity {severity!r}; use one of {_shown(Severity)}")
            if priority not in priorities:
                raise ValidationFailed(where, f"unknown priority {priority!r}; use one of {_shown(Priority)}")


@dataclass(frozen=True)
class IntegrationIncident:
    """Auto-escalation: cases that match the query become incidents."""

    auto_escalation_query: str | None = None
    default_incident_commander: str | None = None
    enabled: bool | None = None
    field_mappings: tuple[FieldMapping, ...] | None = None
    incident_type: str | None = None
    severity_config: SeverityConfig | None = None


@dataclass(frozen=True)
class AutoCreation:
    enabled: bool | None = None


@dataclass(frozen=True)
class SyncProperty:
    # The direction of synchronisation; Datadog publishes no vocabulary, so it is kept as sent.
    sync_type: str | None = None


@dataclass(frozen=True)
class SyncPropertyWithMapping:
    mapping: Pairs[str] | None = None
    name_mapping: Pairs[str] | None = None
    sync_type: str | None = None


@dataclass(frozen=True)
class JiraDueDateSync:
    jira_field_id: str | None = None
    sync_type: str | None = None


@dataclass(frozen=True)
class JiraCustomFieldSync:
    sync_type: str | None = None
    value: object | None = None  # any JSON value, passed to Jira as it is


@dataclass(frozen=True)
class JiraSyncProperties:
    assignee: SyncProperty | None = None
    comments: SyncProperty | None = None
    custom_fields: Pairs[JiraCustomFieldSync] | None = None
    description: SyncProperty | None = None
    due_date: JiraDueDateSync | None = None
    priority: SyncPropertyWithMapping | None = None
    status: SyncPropertyWithMapping | None = None
    title: SyncProperty | None = None


@dataclass(frozen=True)
class JiraSync:
    enabled: bool | None = None
    properties: JiraSyncProperties | None = None


@dataclass(frozen=True)
class JiraMetadata:
    account_id: str | None = None
    issue_type_id: str | None = None
    project_id: str | None = None


@dataclass(frozen=True)
class IntegrationJira:
    auto_creation: AutoCreation | None = None
    enabled: bool | None = None
    metadata: JiraMetadata | None = None
    sync: JiraSync | None = None


@dataclass(frozen=True)
class IntegrationMonitor:
    """Monitor intake. The project's handle (`@case-<handle>`) is the project's own member;
    the Datadog dialect shows it here, where Datadog keeps it."""

    auto_resolve_enabled: bool | None = None
    case_type_id: str | None = None
    enabled: bool | None = None


@dataclass(frozen=True)
class EscalationTarget:
    dynamic_team_paging: bool | None = None
    team_id: str | None = None
    user_id: str | None = None


@dataclass(frozen=True)
class EscalationQuery:
    enabled: bool | None = None
    id: str | None = None
    query: str | None = None
    target: EscalationTarget | None = None


@dataclass(frozen=True)
class IntegrationOnCall:
    """Paging: cases that match an escalation query page its target."""

    auto_assign_on_call: bool | None = None
    enabled: bool | None = None
    escalation_queries: tuple[EscalationQuery, ...] | None = None


@dataclass(frozen=True)
class ServiceNowPrioritySync:
    impact_mapping: Pairs[str] | None = None
    sync_type: str | None = None
    urgency_mapping: Pairs[str] | None = None


@dataclass(frozen=True)
class ServiceNowSyncProperties:
    comments: SyncProperty | None = None
    priority: ServiceNowPrioritySync | None = None
    status: SyncPropertyWithMapping | None = None


@dataclass(frozen=True)
class ServiceNowSync:
    enabled: bool | None = None
    properties: ServiceNowSyncProperties | None = None


@dataclass(frozen=True)
class IntegrationServiceNow:
    assignment_group: str | None = None
    auto_creation: AutoCreation | None = None
    enabled: bool | None = None
    instance_name: str | None = None
    sync_config: ServiceNowSync | None = None


@dataclass(frozen=True)
class ProjectSettings:
    auto_close_inactive_cases: AutoCloseInactiveCases | None = None
    auto_transition_assigned_cases: AutoTransitionAssignedCases | None = None
    integration_incident: IntegrationIncident | None = None
    integration_jira: IntegrationJira | None = None
    integration_monitor: IntegrationMonitor | None = None
    integration_on_call: IntegrationOnCall | None = None
    integration_service_now: IntegrationServiceNow | None = None
    notification: NotificationSettings | None = None

    def updated(self, sent: ProjectSettings) -> ProjectSettings:
        """Each section `sent` carries replaces that section; the others stay."""
        given = {f.name: getattr(sent, f.name) for f in dataclasses.fields(sent)}
        return dataclasses.replace(self, **{k: v for k, v in given.items() if v is not None})

    def sections(self) -> list[str]:
        """The names of the sections set."""
        return [f.name for f in dataclasses.fields(self) if getattr(self, f.name) is not None]

    def queries(self) -> list[tuple[str, str]]:
        """The case queries the settings hold, each with its path: they must parse."""
        found: list[tuple[str, str]] = []
        incident = self.integration_incident
        if incident is not None and incident.auto_escalation_query:
            found.append(("integration_incident/auto_escalation_query", incident.auto_escalation_query))
        on_call = self.integration_on_call
        escalations = (on_call.escalation_queries if on_call else None) or ()
        for i, escalation in enumerate(escalations):
            if escalation.query:
                found.append((f"integration_on_call/escalation_queries/{i}/query", escalation.query))
        return found


def _shown(vocabulary: type[enum.Enum]) -> str:
    return ", ".join(str(v.value) for v in vocabulary)
