"""Integration fixtures: a real, migrated database per test module, driven through the bus, and
a template for tests that need a fresh database each."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from casedesk.bootstrap import Container, bootstrap
from casedesk.config import Settings
from casedesk.domain import users as uc
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import Principal
from casedesk.domain.vocab import Scope
from tests.integration.helpers import new_key
from tests.support import DatabaseTemplate, migrated_template, throwaway_database


@pytest.fixture(scope="module")
def db() -> Iterator[Container]:
    with throwaway_database() as url:
        container = bootstrap(Settings(database_url=url), migrate=True)
        try:
            yield container
        finally:
            container.close()


@pytest.fixture(scope="session")
def template() -> Iterator[DatabaseTemplate]:
    """Migrated once per test process; `template.fresh()` hands out a fresh install's database."""
    with migrated_template() as template:
        yield template


@pytest.fixture(scope="module")
def admin(db: Container) -> Principal:
    email = f"admin.{uuid.uuid4().hex[:8]}@example.com"
    user_id = db.bus.handle(uc.CreateUser(email=email, name="Admin"), Principal.operator())
    return Principal(user_id=user_id, email=email, scopes=Scope.all())


@pytest.fixture
def project_id(db: Container, admin: Principal) -> uuid.UUID:
    created: uuid.UUID = db.bus.handle(pc.CreateProject(name="Ops", key=new_key()), admin)
    return created
