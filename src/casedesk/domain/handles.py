"""Notification handles: the `@…` targets a notification rule names, in Datadog's forms.

`@ada@example.com` mails a person, `@slack-<channel>` posts to a Slack channel,
`@incident-slack-channel` to the incident's own channel, `@teams-<channel>` to a Microsoft
Teams channel, `@webhook-<name>` calls a named webhook, `@pagerduty-<service>` pages a
PagerDuty service, `@oncall-<team>` pages a team's on-call, and `@workflow-<name>` (also
`@workflows-<name>`) starts a workflow. Any other form is refused when a rule is written, so
a stored rule names only targets the delivery worker knows how to reach.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from casedesk.domain.errors import ValidationFailed

HANDLE_MAX = 500
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TARGET = re.compile(r"^[^\s@]+$")


class HandleKind(enum.Enum):
    EMAIL = "email"
    SLACK = "slack"
    INCIDENT_SLACK_CHANNEL = "incident-slack-channel"
    TEAMS = "teams"
    WEBHOOK = "webhook"
    PAGERDUTY = "pagerduty"
    ONCALL = "oncall"
    WORKFLOW = "workflow"


# `@<prefix>-<target>` forms, by prefix.
PREFIXES = {
    "slack": HandleKind.SLACK,
    "teams": HandleKind.TEAMS,
    "webhook": HandleKind.WEBHOOK,
    "pagerduty": HandleKind.PAGERDUTY,
    "oncall": HandleKind.ONCALL,
    "workflow": HandleKind.WORKFLOW,
    "workflows": HandleKind.WORKFLOW,
}
FORMS = (
    "@<email address>, @slack-<channel>, @incident-slack-channel, @teams-<channel>, "
    "@webhook-<name>, @pagerduty-<service>, @oncall-<team>, @workflow-<name>"
)


@dataclass(frozen=True)
class Handle:
    """A handle as written (`text`), with what it reaches: its `kind` and `target` (the
    address, channel, webhook, service, team or workflow name)."""

    text: str
    kind: HandleKind = field(init=False)
    target: str = field(init=False)

    def __post_init__(self) -> None:
        kind, target = _parse(self.text)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "target", target)

    @classmethod
    def from_json(cls, raw: object, field: str) -> Handle:
        if not isinstance(raw, str):
            raise ValidationFailed(field, "a handle is a string such as @slack-incidents")
        try:
            return cls(raw)
        except ValidationFailed as exc:
            raise ValidationFailed(field, exc.message) from None

    def to_json(self) -> str:
        return self.text


def _parse(text: str) -> tuple[HandleKind, str]:
    if len(text) > HANDLE_MAX:
        raise ValidationFailed("", f"a handle is at most {HANDLE_MAX} characters")
    if not text.startswith("@"):
        raise ValidationFailed("", f"{text!r} is not a handle; handles start with @ ({FORMS})")
    body = text[1:]
    if "@" in body:
        if EMAIL.match(body):
            return HandleKind.EMAIL, body
        raise ValidationFailed("", f"{text!r} is not an email address handle (@name@example.com)")
    if body == HandleKind.INCIDENT_SLACK_CHANNEL.value:
        return HandleKind.INCIDENT_SLACK_CHANNEL, ""
    prefix, _, target = body.partition("-")
    kind = PREFIXES.get(prefix)
    if kind is None or not TARGET.match(target):
        raise ValidationFailed("", f"unknown handle form {text!r}; use one of {FORMS}")
    return kind, target
