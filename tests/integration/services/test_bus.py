"""The message bus on the real unit of work: one commit per command with its events, nothing
written when a command fails, and scopes checked before the database is reached."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from casedesk.domain import users as uc
from casedesk.domain.cases import commands as c
from casedesk.domain.commands import Command
from casedesk.domain.errors import Forbidden, ValidationFailed
from casedesk.domain.events import CaseEvent
from casedesk.domain.ids import CaseRef
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import IssuedKeys, Principal
from casedesk.domain.vocab import STANDARD_CASE_TYPE_ID, CaseStatus, Scope
from casedesk.services.bus import REGISTRY, MessageBus
from casedesk.services.ports.access import Visibility
from tests.integration.helpers import NOW, Transactions, delta, events, kinds, principal, snapshot
from tests.support import backend


@pytest.fixture
def project_id(bus: MessageBus, admin: Principal) -> uuid.UUID:
    created: uuid.UUID = bus.handle(pc.CreateProject(name="Operations", key="ops"), admin)
    return created


def new_case(bus: MessageBus, who: Principal, project: str, **fields: Any) -> CaseRef:
    command = c.CreateCase(
        **{"title": "Disk full", "type_id": STANDARD_CASE_TYPE_ID, "project": project, **fields}
    )
    return CaseRef(id=bus.handle(command, who))


def test_a_command_commits_once_with_its_events(
    db: Container, bus: MessageBus, admin: Principal, project_id: uuid.UUID
) -> None:
    with Transactions(db) as transactions:
        ref = new_case(bus, admin, str(project_id))

    assert (transactions.begun, transactions.committed) == (1, 1)
    case = db.read.case(Visibility.everything(), ref).case
    assert (case.key, case.number, case.created_at) == ("OPS-1", 1, NOW)
    timeline, outbox = events(db, t.timeline_events), events(db, t.outbox)
    assert kinds(timeline) == [CaseEvent.CREATED]
    assert timeline[0]["subject_id"] == ref.id
    # Each event is written once: the outbox holds the timeline's events, and nothing else.
    assert [row["event_id"] for row in outbox] == [row["id"] for row in timeline]


def test_numbers_are_global_and_keys_per_project(
    db: Container, bus: MessageBus, admin: Principal, project_id: uuid.UUID
) -> None:
    other = bus.handle(pc.CreateProject(name="Security", key="SEC"), admin)
    keys = [
        db.read.case(Visibility.everything(), ref).case.key
        for ref in (
            new_case(bus, admin, str(project_id)),
            new_case(bus, admin, "sec"),
            new_case(bus, admin, "OPS"),
            new_case(bus, admin, str(other)),
        )
    ]
    assert keys == ["OPS-1", "SEC-1", "OPS-2", "SEC-2"]
    with db.engine.connect() as conn:
        numbers = conn.execute(select(t.cases.c.number).order_by(t.cases.c.number)).scalars()
        assert list(numbers) == [1, 2, 3, 4]


def test_a_failing_command_commits_nothing(
    db: Container, bus: MessageBus, admin: Principal, project_id: uuid.UUID
) -> None:
    before = snapshot(db)
    with Transactions(db) as transactions, pytest.raises(ValidationFailed):
        # Refused by the aggregate after both numbers were drawn.
        new_case(
            bus,
            admin,
            str(project_id),
            status=CaseStatus.CLOSED,
            opened_at=NOW,
            resolved_at=NOW - timedelta(days=1),
        )
    assert transactions.committed == 0
    changed = delta(before, snapshot(db))
    if backend() == "postgresql":
        # The global number comes from a sequence there, which a rollback does not give back:
        # numbers stay unique and ordered, not gapless. Project keys stay gapless everywhere.
        assert changed.pop("case_number") == 1
    # No case, no timeline or outbox row, and no project key number used up.
    assert changed == {}


@pytest.mark.parametrize(
    "command",
    [
        c.CreateCase(title="x", project="OPS", type_id=STANDARD_CASE_TYPE_ID),
        c.CreateCase(title="x", project="NOPE", type_id=STANDARD_CASE_TYPE_ID),
        c.ChangeCaseStatus(CaseRef(key="OPS-1"), CaseStatus.CLOSED),
        pc.CreateProject(name="x", key="X"),
        pc.FavoriteProject(uuid.uuid4()),
        uc.CreateUser(email="x@example.com"),
        uc.DisableUser(uuid.uuid4()),
        uc.CreateKeys(user_email="x@example.com", scopes=Scope.all()),
    ],
    ids=lambda command: type(command).__name__,
)
def test_a_missing_scope_is_refused_before_anything_else(
    db: Container, bus: MessageBus, admin: Principal, command: Command[object]
) -> None:
    reader = principal(admin.user_id, Scope.CASES_READ, Scope.INCIDENT_WRITE, Scope.USER_ACCESS_READ)
    with Transactions(db) as transactions, pytest.raises(Forbidden) as refused:
        bus.handle(command, reader)
    assert REGISTRY.scope_of(type(command)).value in refused.value.message
    assert transactions.begun == 0


def test_a_broader_scope_is_enough(
    db: Container, bus: MessageBus, admin: Principal, project_id: uuid.UUID
) -> None:
    writer = principal(admin.user_id, Scope.CASES_WRITE)
    ref = new_case(bus, writer, "OPS")
    assert db.read.case(Visibility.everything(), ref).case.created_by == admin.user_id
    manager = principal(admin.user_id, Scope.USER_ACCESS_MANAGE)
    user_id = bus.handle(uc.CreateUser(email="new@example.com"), manager)
    assert db.read.user(user_id).email == "new@example.com"


def test_the_operator_at_the_console_needs_no_scope(bus: MessageBus) -> None:
    user_id = bus.handle(uc.CreateUser(email="ops@example.com"), Principal.operator())
    keys = bus.handle(
        uc.CreateKeys(user_email="OPS@example.com", scopes=frozenset({Scope.CASES_READ})),
        Principal.operator(),
    )
    assert isinstance(keys, IssuedKeys)
    assert keys.user_id == user_id
