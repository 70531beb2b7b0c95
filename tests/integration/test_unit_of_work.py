"""One command, one transaction: the aggregate, its timeline rows and its outbox rows land
together, or nothing does. Runs on the suite's database backend (SQLite or PostgreSQL)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import RowMapping, event, select

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from casedesk.domain import users as uc
from casedesk.domain.cases import commands as c
from casedesk.domain.commands import Command
from casedesk.domain.errors import DomainError, Forbidden, InvalidTransition, NotFound, ValidationFailed
from casedesk.domain.ids import CaseRef, UserRef
from casedesk.domain.projects import commands as pc
from casedesk.domain.projects.settings import NotificationDestination, NotificationSettings, ProjectSettings
from casedesk.domain.users import Principal
from casedesk.domain.vocab import (
    SECURITY_CASE_TYPE_ID,
    STANDARD_CASE_TYPE_ID,
    CaseStatus,
    Priority,
    ResolvedReason,
    Scope,
)
from casedesk.services.keys import authenticate
from casedesk.services.ports.access import Visibility
from tests.integration.helpers import delta, new_key, snapshot
from tests.support import backend


def open_case(db: Container, who: Principal, project_id: uuid.UUID, **fields: Any) -> CaseRef:
    fields.setdefault("title", "Disk full on db-1")
    fields.setdefault("type_id", STANDARD_CASE_TYPE_ID)
    case_id = db.bus.handle(c.CreateCase(project=str(project_id), **fields), who)
    return CaseRef(id=case_id)


def case_row(db: Container, ref: CaseRef) -> RowMapping:
    with db.engine.connect() as conn:
        return conn.execute(select(t.cases).where(t.cases.c.id == ref.id)).mappings().one()


def rows_about(db: Container, table: Any, ref: CaseRef) -> list[RowMapping]:
    with db.engine.connect() as conn:
        query = select(table).where(table.c.subject_id == ref.id).order_by(table.c.seq)
        return list(conn.execute(query).mappings().all())


# -- every case command writes the case, its timeline and its outbox together -------------


def comment_on(db: Container, who: Principal, ref: CaseRef) -> uuid.UUID:
    cell_id: uuid.UUID = db.bus.handle(c.CommentOnCase(ref, "first look"), who)
    return cell_id


def assigned(db: Container, who: Principal, ref: CaseRef) -> Command[object]:
    db.bus.handle(c.AssignCase(ref, UserRef(id=who.user_id)), who)
    return c.UnassignCase(ref)


def archived(db: Container, who: Principal, ref: CaseRef) -> Command[object]:
    db.bus.handle(c.ArchiveCase(ref), who)
    return c.UnarchiveCase(ref)


@dataclass(frozen=True)
class Change:
    """How to get a case ready for a command, the command, and the event it must record."""

    build: Callable[[Container, Principal, CaseRef], Command[object]]
    kind: str
    appends_timeline: bool = True
    also_writes: tuple[str, int] | None = None


CHANGES = {
    "status": Change(
        lambda db, who, ref: c.ChangeCaseStatus(ref, CaseStatus.IN_PROGRESS), "case.status_changed"
    ),
    "priority": Change(lambda db, who, ref: c.ChangeCasePriority(ref, Priority.P1), "case.priority_changed"),
    "title": Change(lambda db, who, ref: c.RetitleCase(ref, "Disk full on db-2"), "case.title_changed"),
    "description": Change(
        lambda db, who, ref: c.DescribeCase(ref, "df says 100%"), "case.description_changed"
    ),
    "assign": Change(lambda db, who, ref: c.AssignCase(ref, UserRef(id=who.user_id)), "case.assigned"),
    "unassign": Change(assigned, "case.unassigned"),
    "archive": Change(lambda db, who, ref: c.ArchiveCase(ref), "case.archived"),
    "unarchive": Change(archived, "case.unarchived"),
    "attributes": Change(
        lambda db, who, ref: c.SetCaseAttributes(ref, {"env": ["prod", "eu"]}),
        "case.attributes_changed",
        also_writes=("case_attributes", 2),
    ),
    "due date": Change(
        lambda db, who, ref: c.SetCaseDueDate(ref, date(2030, 1, 31)), "case.due_date_changed"
    ),
    "resolved reason": Change(
        lambda db, who, ref: c.SetCaseResolvedReason(ref, ResolvedReason.TESTING),
        "case.resolved_reason_changed",
    ),
    "comment": Change(lambda db, who, ref: c.CommentOnCase(ref, "looking"), "case.commented"),
    "edit comment": Change(
        lambda db, who, ref: c.UpdateCaseComment(ref, comment_on(db, who, ref), "second look"),
        "case.comment_updated",
        appends_timeline=False,
    ),
    "delete comment": Change(
        lambda db, who, ref: c.DeleteCaseComment(ref, comment_on(db, who, ref)),
        "case.comment_deleted",
        appends_timeline=False,
    ),
}


def test_creating_a_case_writes_it_with_its_timeline_and_outbox_rows(
    db: Container, admin: Principal, project_id: uuid.UUID
) -> None:
    before = snapshot(db)
    ref = open_case(db, admin, project_id, priority=Priority.P2)
    assert delta(before, snapshot(db)) == {
        "cases": 1,
        "timeline_events": 1,
        "outbox": 1,
        "case_number": 1,
        "project_case_numbers": 1,
    }

    case = case_row(db, ref)
    [cell] = rows_about(db, t.timeline_events, ref)
    [message] = rows_about(db, t.outbox, ref)
    assert case["priority"] == "P2"
    assert cell["kind"] == message["kind"] == "case.created"
    assert cell["id"] == message["event_id"]
    assert cell["actor_id"] == message["actor_id"] == admin.user_id
    assert cell["data"] == message["payload"]
    assert message["payload"]["key"] == case["key"]
    assert cell["created_at"] == message["occurred_at"] == case["created_at"]
    assert message["state"] == "pending"
    assert message["attempts"] == 0
    assert message["available_at"] == message["occurred_at"]


@pytest.mark.parametrize("name", list(CHANGES))
def test_each_case_change_writes_its_event_with_it(
    db: Container, admin: Principal, project_id: uuid.UUID, name: str
) -> None:
    change = CHANGES[name]
    ref = open_case(db, admin, project_id)
    command = change.build(db, admin, ref)
    before = snapshot(db)
    cells_before = rows_about(db, t.timeline_events, ref)

    db.bus.handle(command, admin)

    expected = {"outbox": 1, "timeline_events": 1} if change.appends_timeline else {"outbox": 1}
    if change.also_writes is not None:
        expected[change.also_writes[0]] = change.also_writes[1]
    assert delta(before, snapshot(db)) == expected
    message = rows_about(db, t.outbox, ref)[-1]
    assert message["kind"] == change.kind
    assert message["actor_id"] == admin.user_id
    case = case_row(db, ref)
    assert case["modified_at"] == message["occurred_at"]
    assert case["modified_by"] == admin.user_id
    cells = rows_about(db, t.timeline_events, ref)
    if change.appends_timeline:
        assert cells[-1]["id"] == message["event_id"]
        assert cells[-1]["kind"] == change.kind
        assert cells[-1]["data"] == message["payload"]
    else:
        # Comment edits and deletions change the comment's own cell instead of adding one.
        assert [cell["id"] for cell in cells] == [cell["id"] for cell in cells_before]
        assert message["payload"]["cell_id"] == str(cells[-1]["id"])


def test_comment_edit_and_delete_change_the_comment_cell(
    db: Container, admin: Principal, project_id: uuid.UUID
) -> None:
    ref = open_case(db, admin, project_id)
    cell_id = comment_on(db, admin, ref)
    db.bus.handle(c.UpdateCaseComment(ref, cell_id, "second look"), admin)
    [edited] = [cell for cell in rows_about(db, t.timeline_events, ref) if cell["id"] == cell_id]
    # the cell keeps who edited it
    assert edited["data"] == {"message": "second look", "modified_by": str(admin.user_id)}
    assert edited["modified_at"] is not None
    assert edited["deleted_at"] is None

    db.bus.handle(c.DeleteCaseComment(ref, cell_id), admin)
    [deleted] = [cell for cell in rows_about(db, t.timeline_events, ref) if cell["id"] == cell_id]
    assert deleted["deleted_at"] is not None
    assert deleted["data"]["deleted_by"] == str(admin.user_id)
    kinds = [m["kind"] for m in rows_about(db, t.outbox, ref)]
    assert kinds == ["case.created", "case.commented", "case.comment_updated", "case.comment_deleted"]


def test_a_change_to_the_same_value_writes_nothing(
    db: Container, admin: Principal, project_id: uuid.UUID
) -> None:
    ref = open_case(db, admin, project_id, priority=Priority.P3)
    modified = case_row(db, ref)["modified_at"]
    before = snapshot(db)
    db.bus.handle(c.ChangeCasePriority(ref, Priority.P3), admin)
    db.bus.handle(c.ChangeCaseStatus(ref, CaseStatus.OPEN), admin)
    db.bus.handle(c.UnassignCase(ref), admin)
    assert delta(before, snapshot(db)) == {}
    assert case_row(db, ref)["modified_at"] == modified


def test_a_failed_outbox_write_takes_the_change_with_it(
    db: Container, admin: Principal, project_id: uuid.UUID
) -> None:
    def outbox_down(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        # On PostgreSQL the timeline's insert leads the statement (unit_of_work.write_events).
        if "INSERT INTO OUTBOX" in statement.upper():
            raise RuntimeError("outbox unavailable")

    ref = open_case(db, admin, project_id)
    before = snapshot(db)
    stored = case_row(db, ref)
    event.listen(db.engine, "before_cursor_execute", outbox_down)
    try:
        with pytest.raises(RuntimeError, match="outbox unavailable"):
            # Fails after both numbers were drawn.
            open_case(db, admin, project_id, title="Never stored")
        with pytest.raises(RuntimeError, match="outbox unavailable"):
            db.bus.handle(c.RetitleCase(ref, "Never stored either"), admin)
    finally:
        event.remove(db.engine, "before_cursor_execute", outbox_down)
    changed = delta(before, snapshot(db))
    if backend() == "postgresql":
        # The global number comes from a sequence, which a rollback does not rewind: a gap.
        assert changed.pop("case_number", 0) <= 1
    assert changed == {}
    assert case_row(db, ref)["title"] == stored["title"]
    # The project's number was given back: the next case takes the key the failed one drew.
    after = case_row(db, open_case(db, admin, project_id))
    prefix, n = stored["key"].rsplit("-", 1)
    assert after["key"] == f"{prefix}-{int(n) + 1}"
    assert after["number"] > stored["number"]


# -- a refused command writes nothing -----------------------------------------------------

# Builds what to run and as whom; the command itself is built late, inside the refusal, as
# commands refuse values they can check alone when they are built.
Later = tuple[Callable[[], Command[object]], Principal]
Refusal = Callable[[Container, Principal, uuid.UUID], Later]


def security_case_closed_without_reason(db: Container, who: Principal, project_id: uuid.UUID) -> Later:
    ref = open_case(db, who, project_id, type_id=SECURITY_CASE_TYPE_ID)
    return lambda: c.ChangeCaseStatus(ref, CaseStatus.CLOSED), who


def create(**fields: Any) -> Refusal:
    def build(db: Container, who: Principal, project_id: uuid.UUID) -> Later:
        defaults = {"title": "Disk full", "type_id": STANDARD_CASE_TYPE_ID, "project": str(project_id)}
        return lambda: c.CreateCase(**{**defaults, **fields}), who

    return build


def by(make: Callable[[Container, Principal, uuid.UUID], Command[object]]) -> Refusal:
    def build(db: Container, who: Principal, project_id: uuid.UUID) -> Later:
        return lambda: make(db, who, project_id), who

    return build


def on_a_case(make: Callable[[CaseRef], Command[object]]) -> Refusal:
    def build(db: Container, who: Principal, project_id: uuid.UUID) -> Later:
        ref = open_case(db, who, project_id)
        return lambda: make(ref), who

    return build


def as_cli(command: Callable[[Container, Principal, uuid.UUID], Command[object]]) -> Refusal:
    def build(db: Container, who: Principal, project_id: uuid.UUID) -> Later:
        return lambda: command(db, who, project_id), Principal.operator()

    return build


def read_only(db: Container, who: Principal, project_id: uuid.UUID) -> Later:
    reader = Principal(user_id=who.user_id, email=who.email, scopes=frozenset({Scope.CASES_READ}))
    return lambda: c.CreateCase(title="Nope", project=str(project_id), type_id=STANDARD_CASE_TYPE_ID), reader


# Stamps that contradict each other; found after the case's numbers are drawn.
RESOLVED_BEFORE_OPENED = {
    "status": CaseStatus.CLOSED,
    "opened_at": datetime(2030, 1, 2, tzinfo=UTC),
    "resolved_at": datetime(2030, 1, 1, tzinfo=UTC),
}


REFUSALS: dict[str, tuple[Refusal, type[DomainError]]] = {
    "case in unknown project": (create(project=str(uuid.uuid4())), NotFound),
    "case in unknown project key": (create(project="NOSUCH"), NotFound),
    "case of unknown type": (create(type_id=uuid.uuid4()), NotFound),
    "case with empty title": (create(title="   "), ValidationFailed),
    "case resolved before it was opened": (create(**RESOLVED_BEFORE_OPENED), ValidationFailed),
    "case for unknown assignee": (create(assignees=(UserRef(id=uuid.uuid4()),)), ValidationFailed),
    "case with too many values": (create(attributes={"env": [str(i) for i in range(101)]}), ValidationFailed),
    "change to unknown case": (
        by(lambda db, who, pid: c.ChangeCasePriority(CaseRef(id=uuid.uuid4()), Priority.P1)),
        NotFound,
    ),
    "security case closed without reason": (security_case_closed_without_reason, InvalidTransition),
    "empty title": (on_a_case(lambda ref: c.RetitleCase(ref, "")), ValidationFailed),
    "assign unknown user": (
        on_a_case(lambda ref: c.AssignCase(ref, UserRef(id=uuid.uuid4()))),
        ValidationFailed,
    ),
    "edit unknown comment": (on_a_case(lambda ref: c.UpdateCaseComment(ref, uuid.uuid4(), "x")), NotFound),
    "empty comment": (on_a_case(lambda ref: c.CommentOnCase(ref, "  ")), ValidationFailed),
    "duplicate project key": (
        by(
            lambda db, who, pid: pc.CreateProject(
                name="Again", key=db.read.project(Visibility.everything(), pid).key.lower()
            )
        ),
        ValidationFailed,
    ),
    "duplicate project handle": (
        by(
            lambda db, who, pid: pc.CreateProject(
                name="B", key=new_key(), handle=db.read.project(Visibility.everything(), pid).handle
            )
        ),
        ValidationFailed,
    ),
    "update unknown project": (by(lambda db, who, pid: pc.UpdateProject(uuid.uuid4(), name="X")), NotFound),
    "favorite unknown project": (by(lambda db, who, pid: pc.FavoriteProject(uuid.uuid4())), NotFound),
    "duplicate user": (as_cli(lambda db, who, pid: uc.CreateUser(email=who.email.upper())), ValidationFailed),
    "invalid email": (as_cli(lambda db, who, pid: uc.CreateUser(email="nobody")), ValidationFailed),
    "keys for unknown user": (
        as_cli(lambda db, who, pid: uc.CreateKeys(user_email="ghost@example.com", scopes=Scope.all())),
        NotFound,
    ),
    "disable unknown user": (as_cli(lambda db, who, pid: uc.DisableUser(uuid.uuid4())), NotFound),
    "missing scope": (read_only, Forbidden),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_a_refused_command_writes_nothing(
    db: Container, admin: Principal, project_id: uuid.UUID, name: str
) -> None:
    build, error = REFUSALS[name]
    command, who = build(db, admin, project_id)
    before = snapshot(db)
    with pytest.raises(error):
        db.bus.handle(command(), who)
    changed = delta(before, snapshot(db))
    if backend() == "postgresql":
        # The global number comes from a sequence, which a rollback does not rewind: a gap.
        assert changed.pop("case_number", 0) <= 1
    assert changed == {}


def test_a_refused_create_leaves_no_gap_in_the_numbering(
    db: Container, admin: Principal, project_id: uuid.UUID
) -> None:
    first = case_row(db, open_case(db, admin, project_id))
    with pytest.raises(ValidationFailed):
        # Fails after both numbers were drawn; the rollback gives the project's number back.
        open_case(db, admin, project_id, **RESOLVED_BEFORE_OPENED)
    second = case_row(db, open_case(db, admin, project_id))
    key = db.read.project(Visibility.everything(), project_id).key
    assert (first["key"], second["key"]) == (f"{key}-1", f"{key}-2")
    # The global number is unique and ordered; on PostgreSQL a sequence may leave a gap.
    gap = 1 if backend() == "postgresql" else 0
    assert second["number"] == first["number"] + 1 + gap


# -- projects and users -------------------------------------------------------------------


def test_project_commands_write_the_project(db: Container, admin: Principal) -> None:
    before = snapshot(db)
    project_id = db.bus.handle(pc.CreateProject(name="Payments", key="pay" + new_key()[:5]), admin)
    changed = delta(before, snapshot(db))
    assert changed["projects"] == 1
    assert changed["project_members"] == 1
    assert "cases" not in changed

    db.bus.handle(
        pc.UpdateProject(
            project_id,
            name="Payments Ops",
            settings=ProjectSettings(
                notification=NotificationSettings(enabled=True, destinations=(NotificationDestination.EMAIL,))
            ),
        ),
        admin,
    )
    db.bus.handle(pc.FavoriteProject(project_id), admin)
    db.bus.handle(pc.FavoriteProject(project_id), admin)
    with db.engine.connect() as conn:
        row = conn.execute(select(t.projects).where(t.projects.c.id == project_id)).mappings().one()
        favorites = conn.execute(
            select(t.project_favorites).where(t.project_favorites.c.project_id == project_id)
        ).all()
    assert row["name"] == "Payments Ops"
    # Settings are stored in the document shape rows have always held.
    assert row["settings"] == {"notification": {"enabled": True, "destinations": [1]}}
    assert row["key"].startswith("PAY")
    assert len(favorites) == 1

    db.bus.handle(pc.UnfavoriteProject(project_id), admin)
    db.bus.handle(pc.DeleteProject(project_id), admin)
    with db.engine.connect() as conn:
        row = conn.execute(select(t.projects).where(t.projects.c.id == project_id)).mappings().one()
        favorites = conn.execute(
            select(t.project_favorites).where(t.project_favorites.c.project_id == project_id)
        ).all()
    assert row["deleted_at"] is not None
    assert favorites == []
    with pytest.raises(NotFound):
        db.read.project(Visibility.everything(), project_id)


def test_user_commands_write_the_user_and_keys(db: Container) -> None:
    email = f"ops.{uuid.uuid4().hex[:8]}@example.com"
    before = snapshot(db)
    user_id = db.bus.handle(uc.CreateUser(email=email.upper(), name="Ops"), Principal.operator())
    keys = db.bus.handle(
        uc.CreateKeys(user_email=email, scopes=frozenset({Scope.CASES_WRITE})), Principal.operator()
    )
    changed = delta(before, snapshot(db))
    assert (changed["users"], changed["api_keys"], changed["app_keys"]) == (1, 1, 1)
    assert keys.user_id == user_id

    principal = authenticate(db.keys, keys.api_key, keys.app_key)
    assert principal.email == email
    assert principal.has(Scope.CASES_READ)
    assert not principal.has(Scope.USER_ACCESS_READ)

    db.bus.handle(uc.DisableUser(user_id), Principal.operator())
    assert db.read.user(user_id).disabled is True
    with pytest.raises(ValidationFailed):
        db.bus.handle(uc.CreateKeys(user_email=email, scopes=Scope.all()), Principal.operator())


# -- numbering under concurrency ----------------------------------------------------------

THREADS = 8
CREATES_PER_THREAD = 10


@pytest.mark.timeout(180)
def test_numbers_never_repeat_under_concurrent_creates(db: Container, admin: Principal) -> None:
    keys = [new_key(), new_key()]
    projects = [db.bus.handle(pc.CreateProject(name=key, key=key), admin) for key in keys]
    start = threading.Barrier(THREADS)

    def creator(worker: int) -> list[uuid.UUID]:
        start.wait()
        made = []
        for n in range(CREATES_PER_THREAD):
            ref = open_case(db, admin, projects[(worker + n) % 2], title=f"worker {worker} case {n}")
            assert ref.id is not None
            made.append(ref.id)
        return made

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        created = [case_id for made in pool.map(creator, range(THREADS)) for case_id in made]

    with db.engine.connect() as conn:
        rows = conn.execute(
            select(t.cases.c.id, t.cases.c.number, t.cases.c.key, t.cases.c.project_id).where(
                t.cases.c.project_id.in_(projects)
            )
        ).all()
        created_events = conn.execute(
            select(t.outbox.c.subject_id).where(
                t.outbox.c.kind == "case.created", t.outbox.c.subject_id.in_(created)
            )
        ).all()
    total = THREADS * CREATES_PER_THREAD
    assert len(rows) == total
    assert {row.id for row in rows} == set(created)
    assert len({row.number for row in rows}) == total
    for project, key in zip(projects, keys, strict=True):
        project_keys = {row.key for row in rows if row.project_id == project}
        assert project_keys == {f"{key}-{n}" for n in range(1, total // 2 + 1)}
        # Both numbers are drawn under the project's lock, so in a project they grow together.
        in_key_order = sorted(
            (int(row.key.rsplit("-", 1)[1]), row.number) for row in rows if row.project_id == project
        )
        numbers = [number for _, number in in_key_order]
        assert numbers == sorted(numbers)
    assert len(created_events) == total
