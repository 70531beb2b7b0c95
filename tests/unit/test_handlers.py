"""Handlers, the message bus and authorisation over the in-memory unit of work."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from casedesk.domain import users as uc
from casedesk.domain.cases import commands as c
from casedesk.domain.commands import Command
from casedesk.domain.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from casedesk.domain.events import CaseEvent
from casedesk.domain.ids import CaseRef, UserRef
from casedesk.domain.projects import commands as pc
from casedesk.domain.projects.settings import AutoCloseInactiveCases, NotificationSettings, ProjectSettings
from casedesk.domain.users import IssuedKeys, Principal
from casedesk.domain.vocab import (
    SECURITY_CASE_TYPE_ID,
    STANDARD_CASE_TYPE_ID,
    CaseStatus,
    ResolvedReason,
    Scope,
)
from casedesk.services.bus import REGISTRY, MessageBus
from casedesk.services.keys import digest
from tests.fakes import NOW, Store, fake_bus, principal


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def bus(store: Store) -> MessageBus:
    return fake_bus(store)


@pytest.fixture
def admin(bus: MessageBus) -> Principal:
    user_id = bus.handle(uc.CreateUser(email="admin@example.com", name="Admin"), Principal.operator())
    return Principal(user_id=user_id, email="admin@example.com", scopes=Scope.all())


@pytest.fixture
def project_id(bus: MessageBus, admin: Principal) -> uuid.UUID:
    created: uuid.UUID = bus.handle(pc.CreateProject(name="Operations", key="ops"), admin)
    return created


def new_case(bus: MessageBus, who: Principal, project: str, **fields: Any) -> CaseRef:
    command = c.CreateCase(
        **{"title": "Disk full", "type_id": STANDARD_CASE_TYPE_ID, "project": project, **fields}
    )
    return CaseRef(id=bus.handle(command, who))


# -- the bus ------------------------------------------------------------------------------


def test_a_command_commits_once_with_its_events(
    bus: MessageBus, store: Store, admin: Principal, project_id: uuid.UUID
) -> None:
    commits = store.commits
    ref = new_case(bus, admin, str(project_id))

    assert store.commits == commits + 1
    assert ref.id is not None
    case = store.cases[ref.id]
    assert (case.key, case.number, case.created_at) == ("OPS-1", 1, NOW)
    assert [e.kind for e in store.timeline] == [CaseEvent.CREATED]
    assert [e.id for e in store.outbox] == [e.id for e in store.timeline]
    assert case.events == []


def test_numbers_are_global_and_keys_per_project(
    bus: MessageBus, store: Store, admin: Principal, project_id: uuid.UUID
) -> None:
    other = bus.handle(pc.CreateProject(name="Security", key="SEC"), admin)
    keys = [
        store.cases[ref.id].key
        for ref in (
            new_case(bus, admin, str(project_id)),
            new_case(bus, admin, "sec"),
            new_case(bus, admin, "OPS"),
            new_case(bus, admin, str(other)),
        )
        if ref.id is not None
    ]
    assert keys == ["OPS-1", "SEC-1", "OPS-2", "SEC-2"]
    assert sorted(case.number for case in store.cases.values()) == [1, 2, 3, 4]


def test_a_failing_command_commits_nothing(
    bus: MessageBus, store: Store, admin: Principal, project_id: uuid.UUID
) -> None:
    commits = store.commits
    with pytest.raises(ValidationFailed):
        # Refused by the aggregate after both numbers were drawn.
        new_case(
            bus,
            admin,
            str(project_id),
            status=CaseStatus.CLOSED,
            opened_at=NOW,
            resolved_at=NOW - timedelta(days=1),
        )
    assert store.commits == commits
    assert store.cases == {}
    assert store.case_number == 0
    assert store.last_case_numbers[project_id] == 0
    assert store.outbox == []


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
    bus: MessageBus, store: Store, admin: Principal, command: Command[object]
) -> None:
    reader = principal(admin.user_id, Scope.CASES_READ, Scope.INCIDENT_WRITE, Scope.USER_ACCESS_READ)
    commits = store.commits
    with pytest.raises(Forbidden) as refused:
        bus.handle(command, reader)
    assert REGISTRY.scope_of(type(command)).value in refused.value.message
    assert store.commits == commits


def test_a_broader_scope_is_enough(
    bus: MessageBus, store: Store, admin: Principal, project_id: uuid.UUID
) -> None:
    writer = principal(admin.user_id, Scope.CASES_WRITE)
    ref = new_case(bus, writer, "OPS")
    assert ref.id in store.cases
    manager = principal(admin.user_id, Scope.USER_ACCESS_MANAGE)
    assert bus.handle(uc.CreateUser(email="new@example.com"), manager) in store.users


def test_the_operator_at_the_console_needs_no_scope(bus: MessageBus, store: Store) -> None:
    user_id = bus.handle(uc.CreateUser(email="ops@example.com"), Principal.operator())
    keys = bus.handle(
        uc.CreateKeys(user_email="OPS@example.com", scopes=frozenset({Scope.CASES_READ})),
        Principal.operator(),
    )
    assert isinstance(keys, IssuedKeys)
    assert keys.user_id == user_id


# -- case handlers ------------------------------------------------------------------------


def test_values_are_checked_before_the_case_is_looked_up(bus: MessageBus, admin: Principal) -> None:
    """Commands refuse what they can check alone when they are built."""
    unknown = CaseRef(id=uuid.uuid4())
    for build in (
        lambda: c.RetitleCase(unknown, " "),
        lambda: c.DescribeCase(unknown, "x" * 100_001),
        lambda: c.SetCaseAttributes(unknown, {"": ["x"]}),
        lambda: c.CommentOnCase(unknown, ""),
        lambda: c.UpdateCaseComment(unknown, uuid.uuid4(), ""),
    ):
        with pytest.raises(ValidationFailed):
            bus.handle(build(), admin)
    with pytest.raises(ValidationFailed) as refused:
        bus.handle(c.CreateCase(title="", project="NOPE", type_id=STANDARD_CASE_TYPE_ID), admin)
    assert refused.value.field == "title"


def test_unknown_targets(bus: MessageBus, admin: Principal, project_id: uuid.UUID) -> None:
    with pytest.raises(NotFound):
        bus.handle(c.ChangeCaseStatus(CaseRef(key="OPS-99"), CaseStatus.CLOSED), admin)
    with pytest.raises(NotFound):
        new_case(bus, admin, "NOPE")
    with pytest.raises(NotFound):
        new_case(bus, admin, "OPS", type_id=uuid.uuid4())


def test_assignees_must_exist_and_be_active(
    bus: MessageBus, store: Store, admin: Principal, project_id: uuid.UUID
) -> None:
    with pytest.raises(ValidationFailed) as unknown:
        new_case(bus, admin, "OPS", assignees=(UserRef(id=uuid.uuid4()),))
    assert unknown.value.field == "assignees"

    gone = bus.handle(uc.CreateUser(email="gone@example.com"), Principal.operator())
    bus.handle(uc.DisableUser(gone), admin)
    with pytest.raises(ValidationFailed) as disabled:
        new_case(bus, admin, "OPS", assignees=(UserRef(id=gone),))
    assert "disabled" in disabled.value.message
    ref = new_case(bus, admin, "OPS")
    with pytest.raises(ValidationFailed) as on_assign:
        bus.handle(c.AssignCase(ref, UserRef(id=gone)), admin)
    assert on_assign.value.field == "assignee"

    bus.handle(c.AssignCase(ref, UserRef(id=admin.user_id)), admin)
    assert ref.id is not None
    assert store.cases[ref.id].assignee_id == admin.user_id


def test_security_cases_close_only_with_a_reason(
    bus: MessageBus, store: Store, admin: Principal, project_id: uuid.UUID
) -> None:
    ref = new_case(bus, admin, "OPS", type_id=SECURITY_CASE_TYPE_ID)
    with pytest.raises(InvalidTransition):
        bus.handle(c.ChangeCaseStatus(ref, CaseStatus.CLOSED), admin)
    bus.handle(c.SetCaseResolvedReason(ref, ResolvedReason.TRUE_POSITIVE), admin)
    bus.handle(c.ChangeCaseStatus(ref, CaseStatus.CLOSED), admin)
    assert ref.id is not None
    assert store.cases[ref.id].status is CaseStatus.CLOSED


def test_comment_lifecycle(bus: MessageBus, store: Store, admin: Principal, project_id: uuid.UUID) -> None:
    ref = new_case(bus, admin, "OPS")
    cell_id = bus.handle(c.CommentOnCase(ref, "first"), admin)
    assert store.comments[cell_id].message == "first"

    bus.handle(c.UpdateCaseComment(ref, cell_id, "second"), admin)
    assert (store.comments[cell_id].message, store.comments[cell_id].modified_at) == ("second", NOW)

    outbox_before = len(store.outbox)
    bus.handle(c.UpdateCaseComment(ref, cell_id, "second"), admin)
    assert len(store.outbox) == outbox_before  # an edit to the same text is no edit

    bus.handle(c.DeleteCaseComment(ref, cell_id), admin)
    assert store.comments[cell_id].deleted_at == NOW
    with pytest.raises(NotFound):
        bus.handle(c.DeleteCaseComment(ref, cell_id), admin)
    other = new_case(bus, admin, "OPS")
    live = bus.handle(c.CommentOnCase(ref, "still here"), admin)
    with pytest.raises(NotFound):
        bus.handle(c.UpdateCaseComment(other, live, "not yours"), admin)
    assert [e.kind for e in store.outbox if e.subject_id == ref.id] == [
        CaseEvent.CREATED,
        CaseEvent.COMMENTED,
        CaseEvent.COMMENT_UPDATED,
        CaseEvent.COMMENT_DELETED,
        CaseEvent.COMMENTED,
    ]
    assert [e.kind for e in store.timeline if e.subject_id == ref.id] == [
        CaseEvent.CREATED,
        CaseEvent.COMMENTED,
        CaseEvent.COMMENTED,
    ]


# -- project handlers ---------------------------------------------------------------------


def test_project_keys_and_handles_are_unique(
    bus: MessageBus, admin: Principal, project_id: uuid.UUID
) -> None:
    with pytest.raises(ValidationFailed) as key:
        bus.handle(pc.CreateProject(name="Again", key="Ops"), admin)
    assert key.value.field == "key"
    with pytest.raises(ValidationFailed) as handle:
        bus.handle(pc.CreateProject(name="Again", key="OPS2", handle="OPS"), admin)
    assert handle.value.field == "handle"


def test_update_project(bus: MessageBus, store: Store, admin: Principal, project_id: uuid.UUID) -> None:
    bus.handle(
        pc.UpdateProject(
            project_id,
            name=" Ops team ",
            settings=ProjectSettings(
                auto_close_inactive_cases=AutoCloseInactiveCases(enabled=False),
                notification=NotificationSettings(enabled=True, notify_on_case_comment=True),
            ),
        ),
        admin,
    )
    bus.handle(
        pc.UpdateProject(
            project_id, settings=ProjectSettings(notification=NotificationSettings(enabled=False))
        ),
        admin,
    )
    project = store.projects[project_id]
    assert project.name == "Ops team"
    # Each section sent replaces that section; sections not sent stay.
    assert project.settings == ProjectSettings(
        auto_close_inactive_cases=AutoCloseInactiveCases(enabled=False),
        notification=NotificationSettings(enabled=False),
    )
    assert project.modified_at == NOW

    bus.handle(pc.UpdateProject(project_id, handle="Ops-Oncall"), admin)
    assert store.projects[project_id].handle == "ops-oncall"
    bus.handle(pc.UpdateProject(project_id, handle="ops-oncall"), admin)

    other = bus.handle(pc.CreateProject(name="Other", key="OTH"), admin)
    with pytest.raises(ValidationFailed) as taken:
        bus.handle(pc.UpdateProject(other, handle="ops-oncall"), admin)
    assert taken.value.field == "handle"
    assert store.projects[other].handle == "oth"


def test_deleted_projects_are_gone_but_keep_their_cases(
    bus: MessageBus, store: Store, admin: Principal, project_id: uuid.UUID
) -> None:
    ref = new_case(bus, admin, "OPS")
    bus.handle(pc.DeleteProject(project_id), admin)
    assert store.projects[project_id].deleted_at == NOW
    assert ref.id in store.cases
    for command in (
        pc.DeleteProject(project_id),
        pc.UpdateProject(project_id, name="x"),
        pc.FavoriteProject(project_id),
    ):
        with pytest.raises(NotFound):
            bus.handle(command, admin)
    with pytest.raises(NotFound):
        new_case(bus, admin, "OPS")
    # The key stays taken: the old cases still carry it.
    with pytest.raises(ValidationFailed):
        bus.handle(pc.CreateProject(name="Ops again", key="OPS"), admin)


def test_favorites_are_per_user(
    bus: MessageBus, store: Store, admin: Principal, project_id: uuid.UUID
) -> None:
    someone = principal(uuid.uuid4(), Scope.CASES_WRITE)
    bus.handle(pc.FavoriteProject(project_id), admin)
    bus.handle(pc.FavoriteProject(project_id), admin)
    bus.handle(pc.FavoriteProject(project_id), someone)
    assert store.favorites == {(project_id, admin.user_id), (project_id, someone.user_id)}
    bus.handle(pc.UnfavoriteProject(project_id), someone)
    bus.handle(pc.UnfavoriteProject(project_id), someone)
    assert store.favorites == {(project_id, admin.user_id)}


# -- users and keys -----------------------------------------------------------------------


def test_user_emails_are_unique_whatever_their_case(bus: MessageBus, admin: Principal) -> None:
    with pytest.raises(ValidationFailed) as refused:
        bus.handle(uc.CreateUser(email=" ADMIN@example.com "), admin)
    assert refused.value.field == "email"


def test_keys_for_unknown_or_disabled_users(bus: MessageBus, admin: Principal) -> None:
    with pytest.raises(NotFound):
        bus.handle(uc.CreateKeys(user_email="ghost@example.com", scopes=Scope.all()), Principal.operator())
    with pytest.raises(ValidationFailed):
        bus.handle(uc.CreateKeys(user_email="not an email", scopes=Scope.all()), Principal.operator())
    gone = bus.handle(uc.CreateUser(email="gone@example.com"), Principal.operator())
    bus.handle(uc.DisableUser(gone), Principal.operator())
    with pytest.raises(ValidationFailed):
        bus.handle(uc.CreateKeys(user_email="gone@example.com", scopes=Scope.all()), Principal.operator())


def test_keys_are_stored_as_digests(bus: MessageBus, store: Store) -> None:
    bus.handle(uc.CreateUser(email="key@example.com"), Principal.operator())
    scopes = frozenset({Scope.CASES_WRITE})
    keys: IssuedKeys = bus.handle(
        uc.CreateKeys(user_email="key@example.com", scopes=scopes), Principal.operator()
    )
    assert digest(keys.api_key) in store.api_keys
    assert keys.api_key not in store.api_keys
    assert store.app_keys[digest(keys.app_key)].scopes == scopes
    # Checking presented keys is tested on the real lookup: tests/integration/test_authentication.py.
