"""Commands that configure channels. Each checks what it can alone when it is built (names,
URL syntax, header JSON); the services check what needs a lookup or the outbound policy."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field

from casedesk.domain.commands import Command
from casedesk.domain.notifications import channels as ch
from casedesk.domain.notifications.channels import Encoding, SlackDisplay


class Unchanged(enum.Enum):
    """An update's member that was not sent (a member sent as null is a change to null)."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


# -- webhooks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateWebhook(Command[str]):
    name: str
    url: str
    payload: str | None = None
    custom_headers: str | None = None
    encode_as: Encoding = Encoding.JSON

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", ch.clean_handle_name(self.name, what="a webhook name"))
        ch.clean_url(self.url)
        ch.clean_payload(self.payload)
        object.__setattr__(self, "custom_headers", ch.clean_headers(self.custom_headers))


@dataclass(frozen=True)
class UpdateWebhook(Command[str]):
    """Returns the webhook's name afterwards (an update may rename it)."""

    webhook: str
    name: str | None = None
    url: str | None = None
    payload: str | Unchanged | None = UNCHANGED
    custom_headers: str | Unchanged | None = UNCHANGED
    encode_as: Encoding | None = None

    def __post_init__(self) -> None:
        if self.name is not None:
            object.__setattr__(self, "name", ch.clean_handle_name(self.name, what="a webhook name"))
        if self.url is not None:
            ch.clean_url(self.url)
        if not isinstance(self.payload, Unchanged):
            ch.clean_payload(self.payload)
        if not isinstance(self.custom_headers, Unchanged):
            object.__setattr__(self, "custom_headers", ch.clean_headers(self.custom_headers))


@dataclass(frozen=True)
class DeleteWebhook(Command[str]):
    webhook: str


@dataclass(frozen=True)
class RevealSigningSecret(Command[str]):
    """The webhook's current signing secret, made on first use; `rotate` makes a new one and
    keeps the old one signing for a grace period."""

    webhook: str
    rotate: bool = False


@dataclass(frozen=True)
class CreateCustomVariable(Command[str]):
    name: str
    value: str
    is_secret: bool

    def __post_init__(self) -> None:
        ch.clean_variable_name(self.name)
        ch.clean_variable_value(self.value)


@dataclass(frozen=True)
class UpdateCustomVariable(Command[str]):
    variable: str
    name: str | None = None
    value: str | None = None
    is_secret: bool | None = None

    def __post_init__(self) -> None:
        if self.name is not None:
            ch.clean_variable_name(self.name)
        if self.value is not None:
            ch.clean_variable_value(self.value)


@dataclass(frozen=True)
class DeleteCustomVariable(Command[str]):
    variable: str


# -- PagerDuty -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CreatePagerDutyService(Command[str]):
    name: str
    routing_key: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", ch.clean_handle_name(self.name, "service_name", what="service_name"))
        ch.clean_secret_value(self.routing_key, "service_key", "service_key")


@dataclass(frozen=True)
class UpdatePagerDutyService(Command[str]):
    name: str
    routing_key: str

    def __post_init__(self) -> None:
        ch.clean_secret_value(self.routing_key, "service_key", "service_key")


@dataclass(frozen=True)
class DeletePagerDutyService(Command[str]):
    name: str


# -- Slack ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddSlackAccount(Command[uuid.UUID]):
    name: str
    token: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", ch.clean_handle_name(self.name, what="an account name"))
        ch.clean_secret_value(self.token, "token", "the bot token")


@dataclass(frozen=True)
class RemoveSlackAccount(Command[str]):
    """Removes the account and its channels."""

    name: str


@dataclass(frozen=True)
class CreateSlackChannel(Command[str]):
    """Returns the channel's destination name, `<account>/<channel>`."""

    account: str
    name: str
    display: SlackDisplay = field(default_factory=SlackDisplay)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", ch.clean_slack_channel(self.name))


@dataclass(frozen=True)
class UpdateSlackChannel(Command[str]):
    account: str
    channel: str
    name: str | None = None
    # The display members sent, over those the channel has.
    display: dict[str, bool] | None = None

    def __post_init__(self) -> None:
        if self.name is not None:
            object.__setattr__(self, "name", ch.clean_slack_channel(self.name))


@dataclass(frozen=True)
class DeleteSlackChannel(Command[str]):
    account: str
    channel: str


# -- Microsoft Teams -----------------------------------------------------------------------


@dataclass(frozen=True)
class CreateTeamsHandle(Command[uuid.UUID]):
    name: str
    url: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", ch.clean_teams_name(self.name))
        ch.clean_teams_url(self.url)


@dataclass(frozen=True)
class UpdateTeamsHandle(Command[uuid.UUID]):
    handle_id: uuid.UUID
    name: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if self.name is not None:
            object.__setattr__(self, "name", ch.clean_teams_name(self.name))
        if self.url is not None:
            ch.clean_teams_url(self.url)


@dataclass(frozen=True)
class DeleteTeamsHandle(Command[uuid.UUID]):
    handle_id: uuid.UUID
