"""A destination is one place a notification can be sent: a mailbox, a Slack channel, a
Teams Workflows webhook, a PagerDuty service or a named webhook.

Every way of naming one (a case rule's recipient, an incident handle, a project's personal
settings) resolves to a `Destination`, so a channel configured once serves every dialect.
Its `key` is what deliveries, ordering and rate limits are grouped by.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class ChannelKind(enum.StrEnum):
    EMAIL = "email"
    SLACK = "slack"
    TEAMS = "teams"
    PAGERDUTY = "pagerduty"
    WEBHOOK = "webhook"
    # No channel: an incident handle casedesk reaches nothing with (`@oncall-…`,
    # `@workflow-…`, `@incident-slack-channel`), named by the handle as written. Its
    # deliveries are recorded as suppressed and never sent (addressing.py).
    UNREACHABLE = "unreachable"

    @classmethod
    def sent(cls) -> tuple[ChannelKind, ...]:
        """The kinds a sender sends to: every kind but UNREACHABLE."""
        return tuple(kind for kind in cls if kind is not cls.UNREACHABLE)


@dataclass(frozen=True)
class Destination:
    """Where one delivery goes.

    `name` identifies it within its kind: the email address, `<workspace>/<channel>` for
    Slack, the Workflows handle's name for Teams, the PagerDuty service name, the webhook
    name. `config` holds what a sender needs that is not secret (URL, channel id, payload
    template, custom headers, encode_as); `secrets` what is (bot token, routing key, signing
    secrets, secret variables), decrypted for the sender and never written to a log.
    """

    kind: ChannelKind
    name: str
    config: Mapping[str, Any] = field(default_factory=dict)
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def key(self) -> str:
        """Stable across edits of the configuration: `<kind>:<name>` (emails lower-cased)."""
        name = self.name.lower() if self.kind is ChannelKind.EMAIL else self.name
        return f"{self.kind.value}:{name}"
