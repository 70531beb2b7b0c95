"""The handler tests' databases (tests/support.py `DatabaseTemplate`): each use starts from
exactly what the migrations leave, whatever the previous use wrote, on either backend."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select

from casedesk.adapters.db.schema import core as t
from casedesk.adapters.db.schema import metadata
from casedesk.bootstrap import Container, bootstrap
from casedesk.config import Settings
from casedesk.domain import users as uc
from casedesk.domain.cases import commands as c
from casedesk.domain.ids import CaseRef
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import Principal
from casedesk.domain.vocab import Scope
from casedesk.services.ports.access import Visibility
from tests.support import DatabaseTemplate


@contextmanager
def fresh(template: DatabaseTemplate) -> Iterator[Container]:
    with template.fresh() as url:
        container = bootstrap(Settings(database_url=url))
        try:
            yield container
        finally:
            container.close()


def everything(db: Container) -> dict[str, list[tuple[Any, ...]]]:
    with db.engine.connect() as conn:
        return {
            table.name: sorted(tuple(map(repr, row)) for row in conn.execute(select(table)))
            for table in metadata.sorted_tables
        }


def write_a_case(db: Container) -> tuple[str, int, int, int]:
    """A user, a project, a case with a comment: its key, and the numbers the database drew."""
    user_id = db.bus.handle(uc.CreateUser(email="ada@example.com"), Principal.operator())
    ada = Principal(user_id=user_id, email="ada@example.com", scopes=Scope.all())
    db.bus.handle(pc.CreateProject(name="Ops", key="OPS"), ada)
    ref = CaseRef(id=db.bus.handle(c.CreateCase(title="Disk full", project="OPS"), ada))
    db.bus.handle(c.CommentOnCase(ref, "looking"), ada)
    case = db.read.case(Visibility.everything(), ref).case
    with db.engine.connect() as conn:
        timeline = conn.execute(select(func.max(t.timeline_events.c.seq))).scalar_one()
        outbox = conn.execute(select(func.max(t.outbox.c.seq))).scalar_one()
    return case.key, case.number, timeline, outbox


def test_each_use_starts_from_what_the_migrations_left(template: DatabaseTemplate) -> None:
    with fresh(template) as db:
        installed = everything(db)
        # A fresh install holds rows of its own (the built-in case types, the counters).
        assert len(installed["case_types"]) == 2
        assert installed["counters"]
        first = write_a_case(db)
        assert first[:2] == ("OPS-1", 1)
        assert everything(db) != installed
    with fresh(template) as db:
        assert everything(db) == installed
        # Numbers and sequences start again too: the same writes draw the same numbers.
        assert write_a_case(db) == first
