"""A project's case notification rules and case automation rules, as typed values.

A notification rule notifies its `recipients` when one of its `triggers` happens to a case
that matches its `query` (case search syntax, checked by the services; blank = every case).
An automation rule runs its `action` when its `trigger` happens. Each trigger, recipient and
action carries only the data its type uses: data meant for another type is refused, so a
stored rule means one thing.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Any

from casedesk.domain.documents import key
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.handles import EMAIL
from casedesk.domain.vocab import CaseStatus

NAME_MAX = 200
RECIPIENTS_MAX = 100  # as many as an incident rule's handles
TRIGGERS_MAX = 50


def _only(data: Any, allowed: frozenset[str], kind: enum.Enum) -> None:
    """Refuses the members of `data` (a trigger's, recipient's or action's data) that a
    `kind` does not use."""
    for f in dataclasses.fields(data):
        if getattr(data, f.name) is not None and f.name not in allowed:
            raise ValidationFailed(f"data/{f.name}", f"{f.name} does not apply to {kind.value}")


def _required(data: object, names: tuple[str, ...], kind: enum.Enum) -> None:
    """At least one of `names` is set."""
    if all(getattr(data, n) in (None, "") for n in names):
        raise ValidationFailed(f"data/{names[0]}", f"{kind.value} needs {' or '.join(names)}")


def _status(name: str | None, path: str) -> None:
    if name is None:
        return
    known = {s.value for s in CaseStatus} | {s.display_name.lower() for s in CaseStatus}
    if name.lower() not in known and name not in known:
        shown = ", ".join(s.display_name for s in CaseStatus)
        raise ValidationFailed(path, f"unknown status {name!r}; use one of {shown}")


# -- notification rules ------------------------------------------------------------------


class CaseTriggerType(enum.Enum):
    CASE_CREATED = "CASE_CREATED"
    STATUS_TRANSITIONED = "STATUS_TRANSITIONED"
    ATTRIBUTE_VALUE_CHANGED = "ATTRIBUTE_VALUE_CHANGED"
    EVENT_CORRELATION_SIGNAL_CORRELATED = "EVENT_CORRELATION_SIGNAL_CORRELATED"


class ChangeType(enum.Enum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class CaseTriggerData:
    change_type: ChangeType | None = None
    field: str | None = None
    from_status: str | None = None
    from_status_name: str | None = None
    to_status: str | None = None
    to_status_name: str | None = None


TRIGGER_DATA = {
    CaseTriggerType.CASE_CREATED: frozenset[str](),
    CaseTriggerType.STATUS_TRANSITIONED: frozenset(
        {"from_status", "from_status_name", "to_status", "to_status_name"}
    ),
    CaseTriggerType.ATTRIBUTE_VALUE_CHANGED: frozenset({"field", "change_type"}),
    CaseTriggerType.EVENT_CORRELATION_SIGNAL_CORRELATED: frozenset[str](),
}


@dataclass(frozen=True)
class CaseTrigger:
    kind: CaseTriggerType = field(metadata=key("type"))
    data: CaseTriggerData = field(default_factory=CaseTriggerData)

    def __post_init__(self) -> None:
        _only(self.data, TRIGGER_DATA[self.kind], self.kind)
        if self.kind is CaseTriggerType.ATTRIBUTE_VALUE_CHANGED:
            _required(self.data, ("field",), self.kind)
        _status(self.data.from_status_name, "data/from_status_name")
        _status(self.data.to_status_name, "data/to_status_name")


class RecipientType(enum.Enum):
    EMAIL = "EMAIL"
    SLACK_CHANNEL = "SLACK_CHANNEL"
    MS_TEAMS_CHANNEL = "MS_TEAMS_CHANNEL"
    PAGERDUTY_SERVICE = "PAGERDUTY_SERVICE"
    HTTP = "HTTP"


@dataclass(frozen=True)
class RecipientData:
    channel: str | None = None
    channel_id: str | None = None
    channel_name: str | None = None
    connector_name: str | None = None
    email: str | None = None
    name: str | None = None
    service_name: str | None = None
    team_id: str | None = None
    team_name: str | None = None
    tenant_id: str | None = None
    tenant_name: str | None = None
    workspace: str | None = None
    workspace_id: str | None = None


# Per recipient type: the data it uses, and the members of which it needs one.
RECIPIENT_DATA: dict[RecipientType, tuple[frozenset[str], tuple[str, ...]]] = {
    RecipientType.EMAIL: (frozenset({"email"}), ("email",)),
    RecipientType.SLACK_CHANNEL: (
        frozenset({"channel", "channel_id", "workspace", "workspace_id"}),
        ("channel", "channel_id"),
    ),
    RecipientType.MS_TEAMS_CHANNEL: (
        frozenset({"channel_name", "connector_name", "team_id", "team_name", "tenant_id", "tenant_name"}),
        ("channel_name", "connector_name"),
    ),
    RecipientType.PAGERDUTY_SERVICE: (frozenset({"service_name"}), ("service_name",)),
    RecipientType.HTTP: (frozenset({"name"}), ("name",)),
}


@dataclass(frozen=True)
class Recipient:
    kind: RecipientType = field(metadata=key("type"))
    data: RecipientData = field(default_factory=RecipientData)

    def __post_init__(self) -> None:
        uses, needs = RECIPIENT_DATA[self.kind]
        _only(self.data, uses, self.kind)
        _required(self.data, needs, self.kind)
        if self.data.email is not None and not EMAIL.match(self.data.email):
            raise ValidationFailed("data/email", f"{self.data.email!r} is not an email address")


@dataclass(frozen=True)
class CaseNotificationRule:
    recipients: tuple[Recipient, ...]
    triggers: tuple[CaseTrigger, ...]
    is_enabled: bool = True  # the contract's default for a new rule
    query: str | None = None

    def __post_init__(self) -> None:
        if not self.recipients:
            raise ValidationFailed("recipients", "a rule needs at least one recipient")
        if not self.triggers:
            raise ValidationFailed("triggers", "a rule needs at least one trigger")
        if len(self.recipients) > RECIPIENTS_MAX:
            raise ValidationFailed("recipients", f"a rule notifies at most {RECIPIENTS_MAX} recipients")
        if len(self.triggers) > TRIGGERS_MAX:
            raise ValidationFailed("triggers", f"a rule has at most {TRIGGERS_MAX} triggers")


# -- automation rules --------------------------------------------------------------------


class AutomationTriggerType(enum.Enum):
    CASE_CREATED = "CASE_CREATED"
    STATUS_TRANSITIONED = "STATUS_TRANSITIONED"
    ATTRIBUTE_VALUE_CHANGED = "ATTRIBUTE_VALUE_CHANGED"
    EVENT_CORRELATION_SIGNAL_CORRELATED = "EVENT_CORRELATION_SIGNAL_CORRELATED"
    CASE_REVIEW_APPROVED = "CASE_REVIEW_APPROVED"
    COMMENT_ADDED = "COMMENT_ADDED"


class AutomationChangeType(enum.Enum):
    VALUE_ADDED = "VALUE_ADDED"
    VALUE_DELETED = "VALUE_DELETED"
    ANY_CHANGES = "ANY_CHANGES"


@dataclass(frozen=True)
class AutomationTriggerData:
    approval_type: str | None = None
    change_type: AutomationChangeType | None = None
    field: str | None = None
    from_status_name: str | None = None
    to_status_name: str | None = None


AUTOMATION_TRIGGER_DATA = {
    AutomationTriggerType.CASE_CREATED: frozenset[str](),
    AutomationTriggerType.STATUS_TRANSITIONED: frozenset({"from_status_name", "to_status_name"}),
    AutomationTriggerType.ATTRIBUTE_VALUE_CHANGED: frozenset({"field", "change_type"}),
    AutomationTriggerType.EVENT_CORRELATION_SIGNAL_CORRELATED: frozenset[str](),
    AutomationTriggerType.CASE_REVIEW_APPROVED: frozenset({"approval_type"}),
    AutomationTriggerType.COMMENT_ADDED: frozenset[str](),
}


@dataclass(frozen=True)
class AutomationTrigger:
    kind: AutomationTriggerType = field(metadata=key("type"))
    data: AutomationTriggerData | None = None

    def __post_init__(self) -> None:
        data = self.data or AutomationTriggerData()
        _only(data, AUTOMATION_TRIGGER_DATA[self.kind], self.kind)
        if self.kind is AutomationTriggerType.ATTRIBUTE_VALUE_CHANGED:
            _required(data, ("field",), self.kind)
        _status(data.from_status_name, "data/from_status_name")
        _status(data.to_status_name, "data/to_status_name")


class ActionType(enum.Enum):
    EXECUTE_WORKFLOW = "EXECUTE_WORKFLOW"
    ASSIGN_AGENT = "ASSIGN_AGENT"


@dataclass(frozen=True)
class ActionData:
    agent_type: str | None = None
    assigned_agent_id: str | None = None
    handle: str | None = None


ACTION_DATA: dict[ActionType, tuple[str, ...]] = {
    ActionType.EXECUTE_WORKFLOW: ("handle",),
    ActionType.ASSIGN_AGENT: ("agent_type", "assigned_agent_id"),
}


@dataclass(frozen=True)
class AutomationAction:
    kind: ActionType = field(metadata=key("type"))
    data: ActionData

    def __post_init__(self) -> None:
        needs = ACTION_DATA[self.kind]
        _only(self.data, frozenset(needs), self.kind)
        for name in needs:  # an action needs all of its data
            _required(self.data, (name,), self.kind)


class RuleState(enum.Enum):
    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


@dataclass(frozen=True)
class AutomationRule:
    action: AutomationAction
    name: str
    trigger: AutomationTrigger
    state: RuleState = RuleState.ENABLED

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.name) > NAME_MAX:
            raise ValidationFailed("name", f"name must be 1 to {NAME_MAX} characters")
