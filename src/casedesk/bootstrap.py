"""The composition root: builds the engine, unit of work, bus and read model from settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from casedesk.adapters.db.cases.bundle_queries import SqlCaseExtrasReads
from casedesk.adapters.db.cases.queries import SqlReadModel
from casedesk.adapters.db.engine import build_engine
from casedesk.adapters.db.incidents.queries import SqlIncidentReadModel
from casedesk.adapters.db.migrate import upgrade_to_head
from casedesk.adapters.db.outbox import SqlOutbox
from casedesk.adapters.db.unit_of_work import SqlUnitOfWork
from casedesk.config import Settings
from casedesk.services.bus import MessageBus
from casedesk.services.ports.case_bundle import CaseExtrasReads
from casedesk.services.ports.incidents import IncidentReadModel
from casedesk.services.ports.outbox import Outbox
from casedesk.services.ports.uow import ReadModel, UnitOfWork


@dataclass
class Container:
    settings: Settings
    engine: Engine
    bus: MessageBus
    read: ReadModel

    def uow(self) -> UnitOfWork:
        return SqlUnitOfWork(self.engine)

    @property
    def incidents(self) -> IncidentReadModel:
        """The incident read side (stateless over the engine, so made on demand)."""
        return SqlIncidentReadModel(self.engine)

    @property
    def extras(self) -> CaseExtrasReads:
        """The read side of cases' extra parts, as the Tines dialect shows them."""
        return SqlCaseExtrasReads(self.engine)

    @property
    def outbox(self) -> Outbox:
        """The outbox's consuming end, for the worker (stateless over the engine)."""
        return SqlOutbox(self.engine)

    def read_uow(self) -> UnitOfWork:
        """A unit of work for lookups that write nothing (e.g. authentication)."""
        return SqlUnitOfWork(self.engine, write=False)

    def close(self) -> None:
        self.engine.dispose()


def bootstrap(settings: Settings | None = None, *, migrate: bool = False) -> Container:
    settings = settings or Settings()
    engine = build_engine(settings.database_url, pool_size=settings.db_pool_size)
    if migrate:
        upgrade_to_head(engine)
    return Container(
        settings=settings,
        engine=engine,
        bus=MessageBus(lambda: SqlUnitOfWork(engine)),
        read=SqlReadModel(engine),
    )
