"""The services tier: handlers, the bus and authorisation on the real unit of work. Each test
gets a fresh install's database of its own (`template`, tests/support.py) on the suite's
backend; the bus runs on a fixed clock (`NOW`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from casedesk.bootstrap import Container, bootstrap
from casedesk.config import Settings
from casedesk.domain import users as uc
from casedesk.domain.users import Principal, Role
from casedesk.domain.vocab import Scope
from casedesk.services.bus import MessageBus
from tests.integration.helpers import NOW
from tests.support import OUTBOUND_ALLOW, DatabaseTemplate


@pytest.fixture
def db(template: DatabaseTemplate, tmp_path: Path) -> Iterator[Container]:
    """A fresh install's database, this test's alone (its secret key file too)."""
    with template.fresh() as url:
        container = bootstrap(
            Settings(database_url=url, data_dir=str(tmp_path), outbound_allow=OUTBOUND_ALLOW)
        )
        try:
            yield replace(container, bus=MessageBus(container.bus.uow_factory, clock=lambda: NOW))
        finally:
            container.close()


@pytest.fixture
def bus(db: Container) -> MessageBus:
    return db.bus


@pytest.fixture
def admin(bus: MessageBus) -> Principal:
    user_id = bus.handle(
        uc.CreateUser(email="admin@example.com", name="Admin", role=Role.ADMIN), Principal.operator()
    )
    return Principal(user_id=user_id, email="admin@example.com", scopes=Scope.all(), role=Role.ADMIN)
