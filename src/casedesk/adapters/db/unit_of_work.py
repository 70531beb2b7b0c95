"""The unit of work: one connection, one transaction, events turned into rows on commit."""

from __future__ import annotations

import uuid
from contextlib import ExitStack
from dataclasses import replace
from functools import cache
from types import TracebackType
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Insert,
    RowMapping,
    Select,
    Table,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError, OperationalError

from casedesk.adapters.db import case_numbers, outbox, wakeups
from casedesk.adapters.db.access import VisibilityLimit
from casedesk.adapters.db.audit import SqlAuditLog
from casedesk.adapters.db.cases.attachments import SqlAttachmentRepository
from casedesk.adapters.db.cases.includes import bare_detail
from casedesk.adapters.db.cases.relations import (
    SqlCaseKeyAliasRepository,
    SqlLinkRepository,
    SqlWatcherRepository,
)
from casedesk.adapters.db.cases.saved_queries import SqlCaseViewRepository, SqlMaintenanceWindowRepository
from casedesk.adapters.db.cases.written import WrittenCases
from casedesk.adapters.db.channels import ConfiguredNames, SqlChannelRepository
from casedesk.adapters.db.connection_types import Connections
from casedesk.adapters.db.incidents.repository import SqlIncidentRepository, SqlIncidentSettingRepository
from casedesk.adapters.db.notification_rules import SqlCaseNotificationRuleRepository
from casedesk.adapters.db.repositories import (
    SqlCaseRepository,
    SqlCaseTypeRepository,
    SqlCustomAttributeRepository,
    SqlKeyRepository,
    SqlProjectRepository,
    SqlTimelineRepository,
    SqlUserRepository,
)
from casedesk.adapters.db.rows import case_to_row, user_from_row
from casedesk.adapters.db.schema import core as t
from casedesk.adapters.secrets import SecretBox
from casedesk.domain.errors import Conflict
from casedesk.domain.events import CaseEvent, Event
from casedesk.domain.users import User
from casedesk.services.ports.access import Visibility
from casedesk.services.ports.channel_config import AddressCheck

# PostgreSQL's unique_violation (a uniqueness check this transaction passed was overtaken by a
# concurrent insert), deadlock_detected and serialization_failure (the database chose this
# transaction to give way): the caller may simply try again.
RACE_SQLSTATES = frozenset({"23505", "40P01", "40001"})
# SQLite's counterparts: a unique or primary key overtaken, and the write lock still held by
# another connection when the busy timeout ran out (SQLITE_BUSY and its extended codes).
SQLITE_RACES = frozenset({"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"})
# How a plain creation's statement names its author's columns beside the case's.
AUTHOR_PREFIX = "author_"


def lost_a_race(exc: BaseException | None) -> bool:
    """Whether a concurrent transaction made this one fail, so that retrying may succeed.

    Any other integrity error (a foreign key, NOT NULL or CHECK violation) means the code let
    a bad value through: that is a bug, and it must surface as one rather than as "retry"."""
    if not isinstance(exc, IntegrityError | OperationalError):
        return False
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate in RACE_SQLSTATES
    name: str = getattr(exc.orig, "sqlite_errorname", "")
    return name in SQLITE_RACES or name.startswith("SQLITE_BUSY")


class SqlUnitOfWork:
    def __init__(
        self,
        connections: Connections,
        *,
        write: bool = True,
        secrets: SecretBox | None = None,
        outbound: AddressCheck | None = None,
        written: WrittenCases | None = None,
    ) -> None:
        """`secrets` and `outbound` serve the notification channels; a unit of work built
        without them refuses to touch channels. `written`, a request's, is told the cases
        this unit writes (written.py)."""
        self.connections = connections
        self.written = written
        self.write = write
        self.box = secrets
        self._outbound = outbound
        self._channels: SqlChannelRepository | None = None
        self.conn: Connection | None = None
        self._unit = ExitStack()

    def __enter__(self) -> SqlUnitOfWork:
        self.conn = self._unit.enter_context(self.connections.unit(write=self.write))
        self.limits = VisibilityLimit()
        self._on_behalf: dict[uuid.UUID, uuid.UUID] = {}  # author → the actor who acted for them
        self.cases = SqlCaseRepository(self.conn, self.limits)
        self.projects = SqlProjectRepository(self.conn, self.limits)
        self.users = SqlUserRepository(self.conn)
        self.keys = SqlKeyRepository(self.conn)
        self.case_types = SqlCaseTypeRepository(self.conn)
        self.timeline = SqlTimelineRepository(self.conn)
        self.custom_attributes = SqlCustomAttributeRepository(self.conn)
        self.incidents = SqlIncidentRepository(self.conn)
        self.incident_settings = SqlIncidentSettingRepository(self.conn)
        self.links = SqlLinkRepository(self.conn)
        self.watchers = SqlWatcherRepository(self.conn)
        self.case_key_aliases = SqlCaseKeyAliasRepository(self.conn)
        self.case_views = SqlCaseViewRepository(self.conn, self.limits)
        self.maintenance_windows = SqlMaintenanceWindowRepository(self.conn)
        self.attachments = SqlAttachmentRepository(self.conn)
        self.case_notification_rules = SqlCaseNotificationRuleRepository(self.conn)
        self.audit = SqlAuditLog(self.conn)
        self._channels = SqlChannelRepository(self.conn, self.box) if self.box is not None else None
        self.destinations = ConfiguredNames(self._channels) if self._channels is not None else None
        return self

    @property
    def channels(self) -> SqlChannelRepository:
        if self._channels is None:
            raise RuntimeError("this unit of work was built without the secret box channels need")
        return self._channels

    @property
    def outbound(self) -> AddressCheck:
        if self._outbound is None:
            raise RuntimeError("this unit of work was built without the outbound address policy")
        return self._outbound

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self.conn is not None
        try:
            # Rolls back whatever was not committed and ends this use of the connection.
            self._unit.__exit__(exc_type, exc, tb)
        finally:
            self.conn = None
        if lost_a_race(exc):
            raise Conflict("the change conflicts with a concurrent one; retry it") from exc

    def limit_to(self, visibility: Visibility) -> None:
        self.limits.set(visibility)

    def act_on_behalf(self, *, actor: uuid.UUID, author: uuid.UUID) -> None:
        self._on_behalf[author] = actor

    def commit(self) -> None:
        assert self.conn is not None
        if self.written is not None:
            self.written.forget()
        if self._commit_creation():
            return
        self.cases.flush()
        self.incidents.flush()
        events = self._collect_events()
        write_events(self.conn, events)
        self.conn.commit()
        if events:
            wakeups.committed()

    def _commit_creation(self) -> bool:
        """On PostgreSQL, a unit of work that creates one case with nothing but its row and
        its creation's event (the common creation) is written in one statement: the numbers
        drawn, the case inserted, its timeline cell and outbox row written and the NOTIFY
        sent, then COMMIT. The project's row lock lasts from that statement to the commit."""
        assert self.conn is not None
        if self.conn.dialect.name != "postgresql" or self.incidents.seen:
            return False
        case = self.cases.lone_creation()
        if case is None or len(case.events) != 1:
            return False
        (created,) = case.events
        if created.kind is not CaseEvent.CREATED or not created.appends_timeline:
            return False
        (event,) = self._collect_events()
        (cell,) = timeline_rows([event])
        (message,) = outbox.rows([event])
        params = (
            case_numbers.drawn_row_params(case_to_row(case))
            | {f"t_{k}": v for k, v in cell.items()}
            | {f"o_{k}": v for k, v in message.items()}
        )
        written = self.conn.execute(_creation_statement(tuple(cell), tuple(message)), params).mappings().one()
        self.conn.commit()  # at once: until it is done, other creations in the project wait
        self.cases.created(case, int(written["number"]), str(written["key"]))
        wakeups.committed()
        if self.written is not None:
            self._remember(written)
        return True

    def _remember(self, written: RowMapping) -> None:
        """Keeps the new case as its statement returned it, for the request's read-back,
        when the author the statement joined is everyone the case names."""
        assert self.written is not None
        users: dict[uuid.UUID, User] = {}
        if written[AUTHOR_PREFIX + "id"] is not None:
            author = user_from_row({c.name: written[AUTHOR_PREFIX + c.name] for c in t.users.c})
            users[author.id] = author
        detail = bare_detail(written, users)
        if detail.case.user_ids <= users.keys():
            self.written.remember(detail)

    def _collect_events(self) -> list[Event]:
        events: list[Event] = []
        for case in self.cases.seen.values():
            events.extend(case.events)
            case.events.clear()
        for incident in self.incidents.seen.values():
            events.extend(incident.events)
            incident.events.clear()
        events.sort(key=lambda e: e.at)
        if self._on_behalf:
            events = [self._as_acted(e) for e in events]
        return events

    def _as_acted(self, event: Event) -> Event:
        """An event the aggregate recorded as the named author's is the caller's, made for them."""
        actor = self._on_behalf.get(event.actor_id) if event.actor_id else None
        if actor is None or event.on_behalf_of_id is not None:
            return event
        return replace(event, actor_id=actor, on_behalf_of_id=event.actor_id)


def write_events(conn: Connection, events: list[Event]) -> None:
    """The timeline rows and the outbox rows of `events`, and the NOTIFY that wakes workers.
    On PostgreSQL all three go in one statement (the timeline's insert as a data-modifying CTE
    of the outbox's, which returns the NOTIFY): these are the last statements of a write,
    made while the rows it changed, and a creation's project counter, stay locked, so a round
    trip fewer is a shorter wait for concurrent writers."""
    if not events:
        return
    cells = timeline_rows(events)
    if conn.dialect.name == "postgresql" and cells:
        rows = outbox.rows(events)
        if len(cells) == 1 and len(rows) == 1:
            # Most changes record one event: a statement built once for that shape.
            statement = _one_event_statement(tuple(cells[0]), tuple(rows[0]))
            params = {f"t_{k}": v for k, v in cells[0].items()} | {f"o_{k}": v for k, v in rows[0].items()}
            conn.execute(statement, params).close()
            return
        timeline = insert(t.timeline_events).values(cells).cte("timeline_cells")
        statement = insert(t.outbox).values(rows).add_cte(timeline).returning(wakeups.notify_expression())
        conn.execute(statement).close()
        return
    wakeups.announce(conn)
    if cells:
        conn.execute(insert(t.timeline_events), cells)
    outbox.append(conn, events)


@cache
def _one_event_statement(cell_columns: tuple[str, ...], row_columns: tuple[str, ...]) -> Insert:
    """`write_events`' statement for one timeline row and one outbox row, their values bound
    as `t_<column>` and `o_<column>`. SQLAlchemy never caches a multi-row VALUES, and a
    statement reused keeps its cache key."""
    cell: dict[str, BindParameter[Any]] = {name: bindparam(f"t_{name}") for name in cell_columns}
    row: dict[str, BindParameter[Any]] = {name: bindparam(f"o_{name}") for name in row_columns}
    timeline = insert(t.timeline_events).values(cell).cte("timeline_cells")
    return insert(t.outbox).values(row).add_cte(timeline).returning(wakeups.notify_expression())


@cache
def _creation_statement(cell_columns: tuple[str, ...], row_columns: tuple[str, ...]) -> Select[Any]:
    """`WITH drawn AS (UPDATE projects …), new_case AS (INSERT INTO cases … FROM drawn
    RETURNING *), timeline_cells AS (INSERT INTO timeline_events … FROM new_case), queued AS
    (INSERT INTO outbox … FROM new_case RETURNING <NOTIFY>) SELECT new_case.*, author.* …`:
    the case bound as `case_numbers.insert_drawn` binds it, its event as
    `_one_event_statement` does, the event's data given the key as it is drawn. It answers
    the case's row as stored and its author's row (columns prefixed `AUTHOR_PREFIX`; NULL
    for an author that is no user), so that the request's read-back needs no query."""
    new_case = case_numbers.insert_drawn(whole_row=True).cte("new_case")

    def keyed(data: ColumnElement[Any]) -> ColumnElement[Any]:
        return func.jsonb_set(data, literal_column("'{key}'"), func.to_jsonb(new_case.c.key), type_=JSONB)

    def values(table: Table, prefix: str, columns: tuple[str, ...], data: str) -> list[ColumnElement[Any]]:
        bound = [bindparam(f"{prefix}{name}", type_=table.c[name].type) for name in columns]
        return [keyed(b) if name == data else b for name, b in zip(columns, bound, strict=True)]

    cells = select(*values(t.timeline_events, "t_", cell_columns, "data")).select_from(new_case)
    timeline = insert(t.timeline_events).from_select(list(cell_columns), cells).cte("timeline_cells")
    rows = select(*values(t.outbox, "o_", row_columns, "payload")).select_from(new_case)
    queued = (
        insert(t.outbox)
        .from_select(list(row_columns), rows)
        .returning(wakeups.notify_expression().label("notified"))
        .cte("queued")
    )
    author = t.users.alias("author")
    return (
        select(
            *new_case.c,
            *(column.label(AUTHOR_PREFIX + column.name) for column in author.c),
            queued.c.notified,
        )
        .select_from(new_case.join(queued, true()).outerjoin(author, author.c.id == new_case.c.created_by))
        .add_cte(timeline)
    )


def timeline_rows(events: list[Event]) -> list[dict[str, Any]]:
    return [
        {
            "id": e.id,
            "subject_type": e.subject_type,
            "subject_id": e.subject_id,
            "kind": e.kind,
            "actor_id": e.actor_id,
            "on_behalf_of_id": e.on_behalf_of_id,
            "created_at": e.at,
            "data": e.data,
        }
        for e in events
        if e.appends_timeline
    ]
