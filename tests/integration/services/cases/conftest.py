"""Fixtures for the case handlers' tests."""

from __future__ import annotations

import uuid

import pytest

from casedesk.domain.cases import commands as c
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import Principal
from casedesk.domain.vocab import STANDARD_CASE_TYPE_ID
from casedesk.services.bus import MessageBus


@pytest.fixture
def two_cases(bus: MessageBus, admin: Principal) -> tuple[uuid.UUID, uuid.UUID]:
    """OPS-1 and OPS-2, with a second project SEC to move them to."""
    bus.handle(pc.CreateProject(name="Operations", key="ops"), admin)
    bus.handle(pc.CreateProject(name="Security", key="sec"), admin)
    create = c.CreateCase(title="Disk full", type_id=STANDARD_CASE_TYPE_ID, project="OPS")
    return bus.handle(create, admin), bus.handle(create, admin)
