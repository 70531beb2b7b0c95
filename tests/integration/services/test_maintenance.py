"""Maintenance windows on the real unit of work."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casedesk.bootstrap import Container
from casedesk.domain import maintenance as mc
from casedesk.domain.errors import Forbidden, ValidationFailed
from casedesk.domain.users import Principal
from casedesk.domain.vocab import Scope
from casedesk.services.bus import MessageBus
from tests.integration.helpers import NOW, principal


def test_maintenance_windows_need_the_event_management_scope(
    db: Container, bus: MessageBus, admin: Principal
) -> None:
    create = mc.CreateMaintenanceWindow("Night", "project:OPS", NOW, NOW + timedelta(hours=2))
    with pytest.raises(Forbidden):
        bus.handle(create, principal(admin.user_id, Scope.CASES_WRITE))
    window_id = bus.handle(create, principal(admin.user_id, Scope.EVENT_CORRELATION_CONFIG_WRITE))
    assert [w.id for w in db.read.maintenance_windows()] == [window_id]
    with pytest.raises(ValidationFailed) as backwards:
        bus.handle(mc.CreateMaintenanceWindow("Oops", "", NOW, NOW - timedelta(hours=1)), admin)
    assert backwards.value.field == "end_at"
