"""The unit of work: one connection, one transaction, events turned into rows on commit."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine, insert
from sqlalchemy.exc import IntegrityError

from casedesk.adapters.db import outbox
from casedesk.adapters.db import tables as t
from casedesk.adapters.db.engine import WRITE
from casedesk.adapters.db.repositories import (
    SqlCaseRepository,
    SqlCaseTypeRepository,
    SqlCustomAttributeRepository,
    SqlKeyRepository,
    SqlProjectRepository,
    SqlTimelineRepository,
    SqlUserRepository,
)
from casedesk.domain.errors import Conflict
from casedesk.domain.events import Event


class SqlUnitOfWork:
    def __init__(self, engine: Engine, *, write: bool = True) -> None:
        self.engine = engine
        self.write = write
        self.conn: Connection | None = None

    def __enter__(self) -> SqlUnitOfWork:
        engine = self.engine.execution_options(**WRITE) if self.write else self.engine
        self.conn = engine.connect()
        self.conn.begin()
        self.cases = SqlCaseRepository(self.conn)
        self.projects = SqlProjectRepository(self.conn)
        self.users = SqlUserRepository(self.conn)
        self.keys = SqlKeyRepository(self.conn)
        self.case_types = SqlCaseTypeRepository(self.conn)
        self.timeline = SqlTimelineRepository(self.conn)
        self.custom_attributes = SqlCustomAttributeRepository(self.conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self.conn is not None
        try:
            if self.conn.in_transaction():
                self.conn.rollback()
        finally:
            self.conn.close()
            self.conn = None
        if isinstance(exc, IntegrityError):
            # The handler checked uniqueness, but a concurrent transaction won the race.
            raise Conflict("the change conflicts with a concurrent one; retry it") from exc

    def commit(self) -> None:
        assert self.conn is not None
        self.cases.flush()
        events = self._collect_events()
        append_timeline(self.conn, events)
        outbox.append(self.conn, events)
        self.conn.commit()

    def _collect_events(self) -> list[Event]:
        events: list[Event] = []
        for case in self.cases.seen.values():
            events.extend(case.events)
            case.events.clear()
        events.sort(key=lambda e: e.at)
        return events


def append_timeline(conn: Connection, events: list[Event]) -> None:
    rows = [
        {
            "id": e.id,
            "subject_type": e.subject_type,
            "subject_id": e.subject_id,
            "kind": e.kind,
            "actor_id": e.actor_id,
            "created_at": e.at,
            "data": e.data,
        }
        for e in events
        if e.appends_timeline
    ]
    if rows:
        conn.execute(insert(t.timeline_events), rows)
