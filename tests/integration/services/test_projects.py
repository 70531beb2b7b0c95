"""Project handlers on the real unit of work: unique keys and handles, settings by section,
soft deletion, favourites per user."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from casedesk.domain import users as uc
from casedesk.domain.cases import commands as c
from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.ids import CaseRef
from casedesk.domain.projects import commands as pc
from casedesk.domain.projects.settings import AutoCloseInactiveCases, NotificationSettings, ProjectSettings
from casedesk.domain.users import Principal
from casedesk.domain.vocab import STANDARD_CASE_TYPE_ID, Scope
from casedesk.services.bus import MessageBus
from casedesk.services.ports.access import Visibility
from tests.integration.helpers import NOW, principal, rows


@pytest.fixture
def project_id(bus: MessageBus, admin: Principal) -> uuid.UUID:
    created: uuid.UUID = bus.handle(pc.CreateProject(name="Operations", key="ops"), admin)
    return created


def new_case(bus: MessageBus, who: Principal) -> CaseRef:
    create = c.CreateCase(title="Disk full", project="OPS", type_id=STANDARD_CASE_TYPE_ID)
    return CaseRef(id=bus.handle(create, who))


def test_project_keys_and_handles_are_unique(
    bus: MessageBus, admin: Principal, project_id: uuid.UUID
) -> None:
    with pytest.raises(ValidationFailed) as key:
        bus.handle(pc.CreateProject(name="Again", key="Ops"), admin)
    assert key.value.field == "key"
    with pytest.raises(ValidationFailed) as handle:
        bus.handle(pc.CreateProject(name="Again", key="OPS2", handle="OPS"), admin)
    assert handle.value.field == "handle"


def test_update_project(db: Container, bus: MessageBus, admin: Principal, project_id: uuid.UUID) -> None:
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
    project = db.read.project(Visibility.everything(), project_id)
    assert project.name == "Ops team"
    # Each section sent replaces that section; sections not sent stay.
    assert project.settings == ProjectSettings(
        auto_close_inactive_cases=AutoCloseInactiveCases(enabled=False),
        notification=NotificationSettings(enabled=False),
    )
    assert project.modified_at == NOW

    bus.handle(pc.UpdateProject(project_id, handle="Ops-Oncall"), admin)
    assert db.read.project(Visibility.everything(), project_id).handle == "ops-oncall"
    bus.handle(pc.UpdateProject(project_id, handle="ops-oncall"), admin)

    other = bus.handle(pc.CreateProject(name="Other", key="OTH"), admin)
    with pytest.raises(ValidationFailed) as taken:
        bus.handle(pc.UpdateProject(other, handle="ops-oncall"), admin)
    assert taken.value.field == "handle"
    assert db.read.project(Visibility.everything(), other).handle == "oth"


def test_deleted_projects_are_gone_but_keep_their_cases(
    db: Container, bus: MessageBus, admin: Principal, project_id: uuid.UUID
) -> None:
    ref = new_case(bus, admin)
    bus.handle(pc.DeleteProject(project_id), admin)
    with db.engine.connect() as conn:
        deleted_at = conn.execute(select(t.projects.c.deleted_at).where(t.projects.c.id == project_id))
        assert deleted_at.scalar_one() == NOW
    with pytest.raises(NotFound):
        db.read.project(Visibility.everything(), project_id)
    assert db.read.case(Visibility.everything(), ref).case.key == "OPS-1"
    for command in (
        pc.DeleteProject(project_id),
        pc.UpdateProject(project_id, name="x"),
        pc.FavoriteProject(project_id),
    ):
        with pytest.raises(NotFound):
            bus.handle(command, admin)
    with pytest.raises(NotFound):
        new_case(bus, admin)
    # The key stays taken: the old cases still carry it.
    with pytest.raises(ValidationFailed):
        bus.handle(pc.CreateProject(name="Ops again", key="OPS"), admin)


def test_favorites_are_per_user(
    db: Container, bus: MessageBus, admin: Principal, project_id: uuid.UUID
) -> None:
    someone_id = bus.handle(uc.CreateUser(email="someone@example.com"), Principal.operator())
    someone = principal(someone_id, Scope.CASES_WRITE)
    bus.handle(pc.FavoriteProject(project_id), admin)
    bus.handle(pc.FavoriteProject(project_id), admin)
    bus.handle(pc.FavoriteProject(project_id), someone)
    favorites = rows(db, t.project_favorites, "project_id", "user_id")
    assert favorites == sorted([(project_id, admin.user_id), (project_id, someone_id)])
    assert db.read.favorite_project_ids(Visibility.everything(), someone_id) == [project_id]
    bus.handle(pc.UnfavoriteProject(project_id), someone)
    bus.handle(pc.UnfavoriteProject(project_id), someone)
    assert rows(db, t.project_favorites, "project_id", "user_id") == [(project_id, admin.user_id)]
    assert db.read.favorite_project_ids(Visibility.everything(), someone_id) == []
