"""Where configured channels are kept: the write side the handlers use inside a unit of work
(secrets in plain text, encrypted by the adapter on the way to the database), the read side
the configuration APIs show (secrets never decrypted), and the outbound address check.
"""

from __future__ import annotations

import uuid
from typing import Protocol

from casedesk.domain.notifications.channels import Channel, CustomVariable, SlackAccount
from casedesk.domain.notifications.destinations import ChannelKind


class ChannelRepository(Protocol):
    def find(self, kind: ChannelKind, name: str) -> Channel | None:
        """By destination name (`<account>/<channel>` for Slack), secrets decrypted."""

    def get(self, kind: ChannelKind, channel_id: uuid.UUID) -> Channel:
        """Raises NotFound."""

    def add(self, channel: Channel) -> None: ...

    def save(self, channel: Channel) -> None:
        """Writes every member, its name and secrets included."""

    def delete(self, channel: Channel) -> None: ...

    def variable(self, name: str) -> CustomVariable | None: ...

    def add_variable(self, variable: CustomVariable) -> None: ...

    def save_variable(self, previous_name: str, variable: CustomVariable) -> None: ...

    def delete_variable(self, name: str) -> None: ...

    def slack_account(self, name: str) -> SlackAccount | None: ...

    def add_slack_account(self, account: SlackAccount) -> None: ...

    def remove_slack_account(self, name: str) -> None:
        """The account and every channel configured on it."""


class ChannelReads(Protocol):
    """What the configuration APIs show. Secrets are not decrypted: a `Channel`'s `secrets`
    are empty, a secret variable's value and an account's token are empty strings."""

    def channels(self, kind: ChannelKind, *, account: str | None = None) -> list[Channel]:
        """By name; Slack channels of one account when `account` is given."""

    def channel(self, kind: ChannelKind, name: str) -> Channel:
        """By destination name; raises NotFound."""

    def channel_by_id(self, kind: ChannelKind, channel_id: uuid.UUID) -> Channel:
        """Raises NotFound."""

    def variables(self) -> list[CustomVariable]: ...

    def variable(self, name: str) -> CustomVariable:
        """Raises NotFound."""

    def slack_accounts(self) -> list[SlackAccount]: ...

    def slack_account(self, name: str) -> SlackAccount:
        """Raises NotFound."""


class AddressCheck(Protocol):
    """The operator's outbound policy, asked when a URL is written (the connection checks the
    address it resolves again, since DNS answers change)."""

    def refusal(self, url: str) -> str | None:
        """Why casedesk will not send to `url` (a forbidden address), or None."""
