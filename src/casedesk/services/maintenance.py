"""Maintenance windows: when notifications and automation stay quiet for matching cases."""

from __future__ import annotations

import uuid
from datetime import datetime

from casedesk.domain import commands as c
from casedesk.domain.maintenance import MaintenanceWindow, check_span, clean_window_name
from casedesk.domain.users import Principal
from casedesk.services.cases.views import check_query
from casedesk.services.ports.uow import UnitOfWork


def create_window(
    uow: UnitOfWork, cmd: c.CreateMaintenanceWindow, who: Principal, now: datetime
) -> uuid.UUID:
    window = MaintenanceWindow.create(
        name=cmd.name, query=cmd.query, start_at=cmd.start_at, end_at=cmd.end_at, actor=who.user_id, now=now
    )
    check_query(window.query, who, now)
    uow.maintenance_windows.add(window)
    return window.id


def update_window(
    uow: UnitOfWork, cmd: c.UpdateMaintenanceWindow, who: Principal, now: datetime
) -> uuid.UUID:
    if cmd.name is not None:
        clean_window_name(cmd.name)
    if cmd.query is not None:
        check_query(cmd.query, who, now)
    if cmd.start_at is not None and cmd.end_at is not None:
        check_span(cmd.start_at, cmd.end_at)
    window = uow.maintenance_windows.get(cmd.window_id)
    window.update(
        name=cmd.name,
        query=cmd.query,
        start_at=cmd.start_at,
        end_at=cmd.end_at,
        actor=who.user_id,
        now=now,
    )
    uow.maintenance_windows.save(window)
    return window.id


def delete_window(
    uow: UnitOfWork, cmd: c.DeleteMaintenanceWindow, who: Principal, now: datetime
) -> uuid.UUID:
    window = uow.maintenance_windows.get(cmd.window_id)
    uow.maintenance_windows.delete(window)
    return window.id
