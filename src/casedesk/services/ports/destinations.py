"""The configured destinations, as the planner and the worker look them up.

Each way of naming a destination maps to one lookup: a case rule's recipient
(`RecipientType` + data), an incident handle (`@slack-…`, `@webhook-…`, `@teams-…`,
`@pagerduty-…`, an address) and a personal email. The configuration APIs write them; these
reads decrypt secrets for the worker only.
"""

from __future__ import annotations

from typing import Protocol

from casedesk.domain.notifications.destinations import ChannelKind, Destination


class DestinationNames(Protocol):
    def exists(self, kind: ChannelKind, name: str) -> bool:
        """Whether a destination of `kind` called `name` is configured, without decrypting
        anything (checked when a rule naming it is written). Every email address is."""
        ...


class Destinations(DestinationNames, Protocol):
    def find(self, kind: ChannelKind, name: str) -> Destination | None:
        """The destination of `kind` called `name`, secrets decrypted; None when nothing of
        that name is configured. Email needs no configuration: any address is one, sent
        through the SMTP relay of the settings.

        Names: Slack `<account name>/<channel name>` (a channel name with or without `#`;
        a name without `<account name>/` is the channel of the only Slack account),
        Teams the Workflows handle's name, PagerDuty the service name, webhooks their name."""
        ...
