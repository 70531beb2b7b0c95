"""The composition root: builds the engine, unit of work, bus and read model from settings."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import Engine

from casedesk.adapters.db.cases.attachments import SqlAttachmentReads
from casedesk.adapters.db.cases.queries import SqlReadModel
from casedesk.adapters.db.channels import SqlChannelReads, reseal_all
from casedesk.adapters.db.connection_types import Connections
from casedesk.adapters.db.connections import PooledConnections, RequestConnection
from casedesk.adapters.db.destinations import SqlDestinations
from casedesk.adapters.db.engine import build_engine, pool_capacity
from casedesk.adapters.db.identity_queries import SqlIdentityReads
from casedesk.adapters.db.incidents.queries import SqlIncidentReadModel
from casedesk.adapters.db.key_lookup import SqlKeyLookup
from casedesk.adapters.db.migrate import upgrade_to_head
from casedesk.adapters.db.outbox import SqlOutbox
from casedesk.adapters.db.unit_of_work import SqlUnitOfWork
from casedesk.adapters.outbound.policy import AddressPolicy
from casedesk.adapters.secrets import KEY_FILE, KeySettings, SecretBox, default_data_dir
from casedesk.config import Settings
from casedesk.services.bus import MessageBus
from casedesk.services.ports.attachments import AttachmentReads
from casedesk.services.ports.channel_config import ChannelReads
from casedesk.services.ports.destinations import Destinations
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
    # Seals the channels' secrets; the outbound policy checks the URLs they are given.
    box: SecretBox = field(repr=False)
    policy: AddressPolicy = field(default_factory=AddressPolicy)

    def uow(self) -> UnitOfWork:
        return self.uow_on(self.connections)

    def uow_on(self, connections: Connections) -> SqlUnitOfWork:
        return SqlUnitOfWork(connections, secrets=self.box, outbound=self.policy)

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
            bus=MessageBus(lambda: self.uow_on(connection), self.bus.clock),
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


def bootstrap(settings: Settings | None = None, *, migrate: bool = False) -> Container:
    settings = settings or Settings()
    engine = build_engine(settings.database_url, pool_size=settings.db_pool_size)
    if migrate:
        upgrade_to_head(engine)
    connections = PooledConnections(engine)
    box = secret_box(settings)
    policy = AddressPolicy.from_text(settings.outbound_allow)
    return Container(
        settings=settings,
        engine=engine,
        bus=MessageBus(lambda: SqlUnitOfWork(connections, secrets=box, outbound=policy)),
        read=SqlReadModel(connections),
        connections=connections,
        request_slots=pool_capacity(settings.db_pool_size),
        box=box,
        policy=policy,
    )


def secret_box(settings: Settings) -> SecretBox:
    """The keys of the settings; the key file is read (or made) on first use."""
    data_dir = Path(settings.data_dir).expanduser() if settings.data_dir else None
    key_file = (data_dir or default_data_dir(settings.database_url)) / KEY_FILE
    old_keys = tuple(key.strip() for key in settings.secret_keys.split(",") if key.strip())
    return SecretBox(KeySettings(settings.secret_key or None, old_keys, key_file))
