"""The composition root: builds the engine, unit of work, bus and read model from settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from casedesk.adapters.db.backlog import SqlOutboxBacklog
from casedesk.adapters.db.cases.attachments import SqlAttachmentReads
from casedesk.adapters.db.cases.queries import SqlReadModel
from casedesk.adapters.db.cases.written import WrittenCases
from casedesk.adapters.db.channels import SqlChannelReads, reseal_all
from casedesk.adapters.db.connection_types import Connections
from casedesk.adapters.db.connections import PooledConnections, RequestConnection
from casedesk.adapters.db.deliveries import SqlDeliveryQueue
from casedesk.adapters.db.delivery_ledger import SqlDeliveryLedger
from casedesk.adapters.db.destinations import SqlDestinations
from casedesk.adapters.db.engine import build_engine, pool_capacity
from casedesk.adapters.db.identity_queries import SqlIdentityReads
from casedesk.adapters.db.incidents.queries import SqlIncidentReadModel
from casedesk.adapters.db.key_lookup import SqlKeyLookup
from casedesk.adapters.db.migrate import upgrade_to_head
from casedesk.adapters.db.notify_reads import SqlNotifyReads
from casedesk.adapters.db.outbox import SqlOutbox
from casedesk.adapters.db.unit_of_work import SqlUnitOfWork
from casedesk.adapters.metrics.prometheus import DeliveryTelemetry, Telemetry
from casedesk.adapters.outbound.policy import AddressPolicy
from casedesk.adapters.secrets import KEY_FILE, KeySettings, SecretBox, default_data_dir
from casedesk.config import Settings
from casedesk.domain.notifications.deliveries import RetrySchedule
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.services.bus import MessageBus
from casedesk.services.ports.attachments import AttachmentReads
from casedesk.services.ports.channel_config import ChannelReads
from casedesk.services.ports.channels import Sender
from casedesk.services.ports.deliveries import DeliveryLedger, DeliveryQueue
from casedesk.services.ports.destinations import Destinations
from casedesk.services.ports.identity import IdentityReads
from casedesk.services.ports.incidents import IncidentReadModel
from casedesk.services.ports.key_lookup import KeyLookup
from casedesk.services.ports.metrics import DeliveryMetrics
from casedesk.services.ports.outbox import Outbox
from casedesk.services.ports.uow import ReadModel, UnitOfWork
from casedesk.services.reactions.notify.plan import NotificationPlanner
from casedesk.services.reactions.notify.planned import Planner
from casedesk.services.reactions.notify.rates import RateLimits, parse_rates
from casedesk.services.reactions.notify.worker import DeliveryWorker, WorkerOptions

if TYPE_CHECKING:
    # The channels and their HTTP client are imported where a worker is built: a command
    # such as `casedesk keys create` never sends, and they are a third of its start-up.
    from casedesk.adapters.channels.email import EmailSender
    from casedesk.adapters.outbound.client import OutboundClient


@dataclass
class Container:
    settings: Settings
    engine: Engine
    bus: MessageBus
    read: ReadModel
    # Where the parts below get connections: the pool, or one request's connection.
    connections: Connections
    # How many requests may hold a connection at once: as many as the pool hands out.
    request_slots: int
    # Seals the channels' secrets; the outbound policy checks the URLs they are given.
    box: SecretBox = field(repr=False)
    policy: AddressPolicy = field(default_factory=AddressPolicy)

    def uow(self) -> UnitOfWork:
        return self.uow_on(self.connections)

    def uow_on(self, connections: Connections, written: WrittenCases | None = None) -> SqlUnitOfWork:
        """Every unit of work the container makes: the one place its parts are chosen."""
        return SqlUnitOfWork(connections, secrets=self.box, outbound=self.policy, written=written)

    @property
    def destinations(self) -> Destinations:
        """The configured destinations with their secrets, for the planner and the worker."""
        return SqlDestinations(self.connections, self.box, self.bus.clock)

    @property
    def channels(self) -> ChannelReads:
        """The configured channels as the configuration APIs show them (no secrets)."""
        return SqlChannelReads(self.connections)

    def reseal_secrets(self) -> int:
        """Every stored secret sealed again under the current key (`casedesk secrets rotate`)."""
        return reseal_all(self.engine, self.box)

    @property
    def incidents(self) -> IncidentReadModel:
        """The incident read side (stateless over the connections, so made on demand)."""
        return SqlIncidentReadModel(self.connections)

    @property
    def attachments(self) -> AttachmentReads:
        """Reads of one record, comment or file (stateless over the connections)."""
        return SqlAttachmentReads(self.connections)

    @property
    def outbox(self) -> Outbox:
        """The outbox's consuming end, for the worker (stateless over the engine)."""
        return SqlOutbox(self.engine)

    def telemetry(self) -> Telemetry:
        """A new set of metrics in a registry of its own: one per application (the worker
        run beside it reports to `telemetry.deliveries`)."""
        return Telemetry(SqlOutboxBacklog(self.engine))

    def worker_telemetry(self) -> DeliveryTelemetry:
        """The metrics of a worker run without an HTTP application beside it (`casedesk
        worker`, the parent of `casedesk serve --workers N`): deliveries and the backlog."""
        return DeliveryTelemetry(SqlOutboxBacklog(self.engine))

    @property
    def email(self) -> Sender:
        """The email channel, as the settings configure it (stateless, so made on demand)."""
        return email_sender(self.settings)

    @property
    def base_url(self) -> str:
        return self.settings.base_url

    @property
    def planner(self) -> Planner:
        """Who is told about each outbox message, for the worker (stateless over the
        connections, so made on demand)."""
        return NotificationPlanner(SqlNotifyReads(self.connections), self.settings.base_url)

    @property
    def identity(self) -> IdentityReads:
        """Users, application keys and the audit log, for listing (stateless too)."""
        return SqlIdentityReads(self.connections)

    @property
    def keys(self) -> KeyLookup:
        """Authentication's lookup of presented keys."""
        return SqlKeyLookup(self.connections)

    @property
    def deliveries(self) -> DeliveryLedger:
        """The delivery ledger as people read it, and manual retries."""
        return SqlDeliveryLedger(self.connections)

    @property
    def delivery_queue(self) -> DeliveryQueue:
        """The delivery ledger as workers use it."""
        return SqlDeliveryQueue(self.engine)

    def worker(
        self,
        *,
        planner: Planner | None = None,
        destinations: Destinations | None = None,
        senders: Callable[[OutboundClient], Mapping[ChannelKind, Sender]] | None = None,
        metrics: DeliveryMetrics | None = None,
        client: OutboundClient | None = None,
        concurrency: int | None = None,
        name: str | None = None,
    ) -> WorkerParts:
        """A delivery worker on this container's database: by default with the planner, the
        configured destinations and every channel's sender. `senders` builds the senders
        from the worker's HTTP `client` (by default the one the outbound address policy
        guards); the run closes it."""
        s = self.settings
        options = WorkerOptions(
            concurrency=concurrency or s.worker_concurrency,
            lease=timedelta(seconds=s.worker_lease_s),
            poll=s.worker_poll_ms / 1000,
            schedule=RetrySchedule.parse(s.delivery_retry_schedule),
        )
        from casedesk.adapters.outbound.client import build_http_client

        client = client or build_http_client(s)
        made = senders(client) if senders is not None else self.senders(client)
        worker = DeliveryWorker(
            self.delivery_queue,
            planner or self.planner,
            destinations or self.destinations,
            made,
            rates=RateLimits(parse_rates(s.delivery_rate_limits)),
            options=options,
            metrics=metrics,
            name=name,
        )
        return WorkerParts(worker, client, self.engine)

    def senders(self, client: OutboundClient) -> dict[ChannelKind, Sender]:
        """Every channel's sender, sending through `client`."""
        from casedesk.adapters.channels.pagerduty import PagerDutySender
        from casedesk.adapters.channels.slack import SlackSender
        from casedesk.adapters.channels.teams import TeamsSender
        from casedesk.adapters.channels.webhook import WebhookSender

        s = self.settings
        return {
            ChannelKind.WEBHOOK: WebhookSender(client),
            ChannelKind.SLACK: SlackSender(client, s.slack_api_url),
            ChannelKind.TEAMS: TeamsSender(client),
            ChannelKind.PAGERDUTY: PagerDutySender(client, s.pagerduty_events_url),
            ChannelKind.EMAIL: email_sender(s),
        }

    def request_scope(self, *, write: bool) -> RequestScope:
        """This container with every part on one connection, for one HTTP request. `write`:
        the request is expected to run a command (see adapters/db/connections.py)."""
        connection = RequestConnection(
            self.engine, write=write, statement_timeout_ms=self.settings.statement_timeout_ms
        )
        # The cases its commands write, for the route's read-back (adapters/db/cases/written.py).
        written = WrittenCases()
        container = replace(
            self,
            connections=connection,
            bus=MessageBus(lambda: self.uow_on(connection, written), self.bus.clock),
            read=SqlReadModel(connection, written),
        )
        return RequestScope(container, connection)

    def close(self) -> None:
        self.engine.dispose()


@dataclass(frozen=True)
class WorkerParts:
    """A delivery worker and what it runs on: the HTTP client its senders share (it opens in
    the event loop that first sends; whoever runs the worker closes it, in that loop) and
    the engine whose commits wake it. How it runs (its thread, its wake-ups) is the entry
    points' (`entrypoints/worker_run.py`)."""

    worker: DeliveryWorker
    client: OutboundClient
    engine: Engine


@dataclass(frozen=True)
class RequestScope:
    container: Container
    connection: RequestConnection

    @property
    def idle(self) -> bool:
        """Whether `release()` is free of database round trips (no transaction is open)."""
        return self.connection.idle

    def release(self) -> None:
        """Rolls back what is still open and gives the connection back to the pool."""
        self.connection.close()


def email_sender(settings: Settings) -> EmailSender:
    """ValueError when CASEDESK_SMTP_URL or CASEDESK_MAIL_FROM cannot be used."""
    from casedesk.adapters.channels.email import EmailSender, SmtpRelay
    from casedesk.adapters.channels.mail_message import MailComposer

    relay = None
    if settings.smtp_url:
        relay = SmtpRelay.from_url(
            settings.smtp_url, ca_file=settings.smtp_ca_file or None, timeout=settings.smtp_timeout_s
        )
    return EmailSender(relay, MailComposer(settings.sender_address()))


def bootstrap(settings: Settings | None = None, *, migrate: bool = False) -> Container:
    settings = settings or Settings()
    email_sender(settings)  # a mail setting that cannot work stops the start, not the first mail
    engine = build_engine(settings.database_url, pool_size=settings.db_pool_size)
    if migrate:
        upgrade_to_head(engine)
    connections = PooledConnections(engine)
    container = Container(
        settings=settings,
        engine=engine,
        # The bus's units of work are the container's own (`uow_on`), made when a command runs.
        bus=MessageBus(lambda: container.uow()),
        read=SqlReadModel(connections),
        connections=connections,
        request_slots=pool_capacity(settings.db_pool_size),
        box=secret_box(settings),
        policy=AddressPolicy.from_text(settings.outbound_allow),
    )
    return container


def secret_box(settings: Settings) -> SecretBox:
    """The keys of the settings; the key file is read (or made) on first use."""
    data_dir = Path(settings.data_dir).expanduser() if settings.data_dir else None
    key_file = (data_dir or default_data_dir(settings.database_url)) / KEY_FILE
    old_keys = tuple(key.strip() for key in settings.secret_keys.split(",") if key.strip())
    return SecretBox(KeySettings(settings.secret_key or None, old_keys, key_file))
