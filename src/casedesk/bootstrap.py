"""The composition root: builds the engine, unit of work, bus and read model from settings."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import Engine

from casedesk.adapters.channels.email import EmailSender, SmtpRelay
from casedesk.adapters.channels.mail_message import MailComposer
from casedesk.adapters.db.backlog import SqlOutboxBacklog
from casedesk.adapters.db.cases.attachments import SqlAttachmentReads
from casedesk.adapters.db.cases.queries import SqlReadModel
from casedesk.adapters.db.connection_types import Connections
from casedesk.adapters.db.connections import PooledConnections, RequestConnection
from casedesk.adapters.db.engine import build_engine, pool_capacity
from casedesk.adapters.db.identity_queries import SqlIdentityReads
from casedesk.adapters.db.incidents.queries import SqlIncidentReadModel
from casedesk.adapters.db.key_lookup import SqlKeyLookup
from casedesk.adapters.db.migrate import upgrade_to_head
from casedesk.adapters.db.outbox import SqlOutbox
from casedesk.adapters.db.unit_of_work import SqlUnitOfWork
from casedesk.adapters.metrics.prometheus import Telemetry
from casedesk.config import Settings
from casedesk.services.bus import MessageBus
from casedesk.services.ports.attachments import AttachmentReads
from casedesk.services.ports.channels import Sender
from casedesk.services.ports.identity import IdentityReads
from casedesk.services.ports.incidents import IncidentReadModel
from casedesk.services.ports.key_lookup import KeyLookup
from casedesk.services.ports.outbox import Outbox
from casedesk.services.ports.uow import ReadModel, UnitOfWork


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

    def uow(self) -> UnitOfWork:
        return SqlUnitOfWork(self.connections)

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

    @property
    def email(self) -> Sender:
        """The email channel, as the settings configure it (stateless, so made on demand)."""
        return email_sender(self.settings)

    @property
    def base_url(self) -> str:
        return self.settings.base_url

    @property
    def identity(self) -> IdentityReads:
        """Users, application keys and the audit log, for listing (stateless too)."""
        return SqlIdentityReads(self.connections)

    @property
    def keys(self) -> KeyLookup:
        """Authentication's lookup of presented keys."""
        return SqlKeyLookup(self.connections)

    def request_scope(self, *, write: bool) -> RequestScope:
        """This container with every part on one connection, for one HTTP request. `write`:
        the request is expected to run a command (see adapters/db/connections.py)."""
        connection = RequestConnection(
            self.engine, write=write, statement_timeout_ms=self.settings.statement_timeout_ms
        )
        container = replace(
            self,
            connections=connection,
            bus=MessageBus(lambda: SqlUnitOfWork(connection), self.bus.clock),
            read=SqlReadModel(connection),
        )
        return RequestScope(container, connection)

    def close(self) -> None:
        self.engine.dispose()


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
    return Container(
        settings=settings,
        engine=engine,
        bus=MessageBus(lambda: SqlUnitOfWork(connections)),
        read=SqlReadModel(connections),
        connections=connections,
        request_slots=pool_capacity(settings.db_pool_size),
    )
