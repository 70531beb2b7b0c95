"""The shared vocabulary of cases: statuses, priorities, resolved reasons, insight types, case
types, issue trackers, scopes.

The core is neutral: no dialect owns it. Where Datadog's API already names a concept (these
enums, the built-in case type ids, link relationships in `cases/links.py`, the members of
project settings and incident rules), casedesk adopts Datadog's vocabulary as the canonical
one, so the Datadog dialect maps it as is and the other dialects (Tines) translate onto it in
their own mapping."""

from __future__ import annotations

import enum
import uuid


class CaseStatus(enum.Enum):
    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    CLOSED = "CLOSED"

    @property
    def group(self) -> str:
        # Every built-in status is alone in its group; custom statuses will share groups.
        return "SG_" + self.value

    @property
    def display_name(self) -> str:
        return {"OPEN": "Open", "IN_PROGRESS": "In Progress", "CLOSED": "Closed"}[self.value]

    @property
    def sort_rank(self) -> int:
        return {"OPEN": 0, "IN_PROGRESS": 1, "CLOSED": 2}[self.value]


class Priority(enum.Enum):
    NOT_DEFINED = "NOT_DEFINED"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    P5 = "P5"

    @property
    def urgency(self) -> int:
        """Higher is more urgent: P1 → 5 … P5 → 1, NOT_DEFINED → 0 (stored for sorting)."""
        if self is Priority.NOT_DEFINED:
            return 0
        return 6 - int(self.value[1])


class ResolvedReason(enum.Enum):
    """Why a security case was closed: the product's three reasons plus the API's verdicts."""

    TESTING = "TESTING"
    FALSE_POSITIVE = "FALSE_POSITIVE"
    ONE_TIME_EXCEPTION = "ONE_TIME_EXCEPTION"
    TRUE_POSITIVE = "TRUE_POSITIVE"
    BENIGN_POSITIVE = "BENIGN_POSITIVE"

    @classmethod
    def parse(cls, text: str) -> ResolvedReason | None:
        """Accepts `false positive`, `False-Positive`, `FALSE_POSITIVE`…; None when unknown."""
        normalised = "_".join(text.replace("-", " ").split()).upper()
        try:
            return cls(normalised)
        except ValueError:
            return None


class InsightType(enum.Enum):
    """Kinds of resource a case can reference (Datadog's CaseInsightType)."""

    SECURITY_SIGNAL = "SECURITY_SIGNAL"
    MONITOR = "MONITOR"
    EVENT_CORRELATION = "EVENT_CORRELATION"
    ERROR_TRACKING = "ERROR_TRACKING"
    CLOUD_COST_RECOMMENDATION = "CLOUD_COST_RECOMMENDATION"
    INCIDENT = "INCIDENT"
    SENSITIVE_DATA_SCANNER_ISSUE = "SENSITIVE_DATA_SCANNER_ISSUE"
    EVENT = "EVENT"
    WATCHDOG_STORY = "WATCHDOG_STORY"
    WIDGET = "WIDGET"
    SECURITY_FINDING = "SECURITY_FINDING"
    INSIGHT_SCORECARD_CAMPAIGN = "INSIGHT_SCORECARD_CAMPAIGN"
    RESOURCE_POLICY = "RESOURCE_POLICY"
    APM_RECOMMENDATION = "APM_RECOMMENDATION"
    SCM_URL = "SCM_URL"
    PROFILING_DOWNSIZING_EXPERIMENT = "PROFILING_DOWNSIZING_EXPERIMENT"


class TicketSystem(enum.Enum):
    """Issue trackers a case can be sent to."""

    JIRA = "jira"
    SERVICENOW = "servicenow"
    LINEAR = "linear"

    @property
    def display_name(self) -> str:
        return {"jira": "Jira", "servicenow": "ServiceNow", "linear": "Linear"}[self.value]


STANDARD_CASE_TYPE_ID = uuid.UUID("00000000-0000-0000-0000-000000000001")
SECURITY_CASE_TYPE_ID = uuid.UUID("00000000-0000-0000-0000-000000000003")

BUILTIN_CASE_TYPES: dict[uuid.UUID, tuple[str, str, str]] = {
    # id → (name, description, emoji); ids are Datadog's so its clients find them.
    STANDARD_CASE_TYPE_ID: ("Standard", "General purpose case", "📋"),
    SECURITY_CASE_TYPE_ID: (
        "Security",
        "Security investigation; closing requires a resolved reason",
        "🛡️",
    ),
}


class Scope(enum.Enum):
    CASES_READ = "cases_read"
    CASES_WRITE = "cases_write"
    CASES_SHARED_SETTINGS_WRITE = "cases_shared_settings_write"
    INCIDENT_READ = "incident_read"
    INCIDENT_WRITE = "incident_write"
    INCIDENT_SETTINGS_WRITE = "incident_settings_write"
    USER_ACCESS_READ = "user_access_read"
    USER_ACCESS_INVITE = "user_access_invite"
    USER_ACCESS_MANAGE = "user_access_manage"
    # Datadog guards maintenance windows with its event management scopes.
    EVENT_CORRELATION_CONFIG_READ = "event_correlation_config_read"
    EVENT_CORRELATION_CONFIG_WRITE = "event_correlation_config_write"
    # Lets a key name another user as the actor of a change (Tines' `author_email`), for
    # integrations that relay what someone did elsewhere. Never implied: it must be granted.
    ACT_ON_BEHALF = "act_on_behalf"
    # Notification channels (webhooks, Slack, Teams, PagerDuty), as Datadog names its
    # integration permissions.
    INTEGRATIONS_READ = "integrations_read"
    MANAGE_INTEGRATIONS = "manage_integrations"

    @classmethod
    def all(cls) -> frozenset[Scope]:
        return frozenset(cls)

    @classmethod
    def default(cls) -> frozenset[Scope]:
        """What a key holds when none were named: every scope but those granted only by name."""
        return frozenset(cls) - EXPLICIT_SCOPES


# Scopes a key holds only when they were named when it was made.
EXPLICIT_SCOPES = frozenset({Scope.ACT_ON_BEHALF})


# A broader scope satisfies the narrower ones it names.
IMPLIED_SCOPES: dict[Scope, frozenset[Scope]] = {
    Scope.CASES_WRITE: frozenset({Scope.CASES_READ}),
    Scope.INCIDENT_WRITE: frozenset({Scope.INCIDENT_READ}),
    Scope.USER_ACCESS_MANAGE: frozenset({Scope.USER_ACCESS_READ, Scope.USER_ACCESS_INVITE}),
    Scope.EVENT_CORRELATION_CONFIG_WRITE: frozenset({Scope.EVENT_CORRELATION_CONFIG_READ}),
    Scope.MANAGE_INTEGRATIONS: frozenset({Scope.INTEGRATIONS_READ}),
}
