"""What the entry points are given: the command bus and the read sides, as protocols. The
dialects depend on these and never on the composition root (`bootstrap.Container` implements
them), so they cannot reach the adapters behind it, not even indirectly."""

from __future__ import annotations

from typing import Protocol, TypeVar

from casedesk.domain.commands import Command
from casedesk.domain.users import Principal
from casedesk.services.ports.access import Visibility
from casedesk.services.ports.attachments import AttachmentReads
from casedesk.services.ports.channel_config import ChannelReads
from casedesk.services.ports.deliveries import DeliveryLedger
from casedesk.services.ports.identity import IdentityReads
from casedesk.services.ports.incidents import IncidentReadModel
from casedesk.services.ports.key_lookup import KeyLookup
from casedesk.services.ports.uow import ReadModel

R = TypeVar("R")


class CommandBus(Protocol):
    def handle(self, command: Command[R], principal: Principal, visibility: Visibility | None = None) -> R:
        """Authorises, runs the command's handler in one unit of work and commits once."""


class Services(Protocol):
    @property
    def bus(self) -> CommandBus: ...

    @property
    def read(self) -> ReadModel:
        """Cases, and what configures them (projects, types, views, users)."""

    @property
    def incidents(self) -> IncidentReadModel: ...

    @property
    def attachments(self) -> AttachmentReads: ...

    @property
    def identity(self) -> IdentityReads:
        """Users, application keys and the audit log."""

    @property
    def channels(self) -> ChannelReads:
        """The configured notification channels, without their secrets."""

    @property
    def deliveries(self) -> DeliveryLedger:
        """The delivery log, and manual retries."""

    @property
    def keys(self) -> KeyLookup:
        """Authentication's lookup of presented keys."""

    @property
    def base_url(self) -> str:
        """Where this installation is reached, for links in answers."""
