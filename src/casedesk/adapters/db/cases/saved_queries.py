"""Case views and maintenance windows (both saved case queries): repositories and reads."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, func, insert, select, update

from casedesk.adapters.db.access import VisibilityLimit, visible
from casedesk.adapters.db.connection_types import ReadConnections
from casedesk.adapters.db.schema import core as t
from casedesk.domain.cases.views import CaseView
from casedesk.domain.errors import NotFound
from casedesk.domain.maintenance import MaintenanceWindow
from casedesk.services.ports.access import Visibility

V = t.case_views.c
M = t.maintenance_windows.c


def view_from_row(row: RowMapping) -> CaseView:
    return CaseView(
        id=row["id"],
        project_id=row["project_id"],
        name=row["name"],
        query=row["query"],
        np_rule_id=row["np_rule_id"],
        created_by=row["created_by"],
        modified_by=row["modified_by"],
        created_at=row["created_at"],
        modified_at=row["modified_at"],
    )


def view_to_row(view: CaseView) -> dict[str, Any]:
    return {
        "id": view.id,
        "project_id": view.project_id,
        "name": view.name,
        "query": view.query,
        "np_rule_id": view.np_rule_id,
        "created_by": view.created_by,
        "modified_by": view.modified_by,
        "created_at": view.created_at,
        "modified_at": view.modified_at,
    }


def window_from_row(row: RowMapping) -> MaintenanceWindow:
    return MaintenanceWindow(
        id=row["id"],
        name=row["name"],
        query=row["query"],
        start_at=row["start_at"],
        end_at=row["end_at"],
        created_by=row["created_by"],
        updated_by=row["updated_by"],
        created_at=row["created_at"],
        modified_at=row["modified_at"],
    )


def window_to_row(window: MaintenanceWindow) -> dict[str, Any]:
    return {
        "id": window.id,
        "name": window.name,
        "query": window.query,
        "start_at": window.start_at,
        "end_at": window.end_at,
        "created_by": window.created_by,
        "updated_by": window.updated_by,
        "created_at": window.created_at,
        "modified_at": window.modified_at,
    }


def _view(conn: Connection, view_id: uuid.UUID, visibility: Visibility) -> CaseView:
    query = select(t.case_views).where(V.id == view_id, visible(conn, V.project_id, visibility))
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFound("view", view_id)
    return view_from_row(row)


def _window(conn: Connection, window_id: uuid.UUID) -> MaintenanceWindow:
    row = conn.execute(select(t.maintenance_windows).where(M.id == window_id)).mappings().first()
    if row is None:
        raise NotFound("maintenance window", window_id)
    return window_from_row(row)


class SqlCaseViewRepository:
    def __init__(self, conn: Connection, limits: VisibilityLimit) -> None:
        self.conn = conn
        self.limits = limits

    def get(self, view_id: uuid.UUID) -> CaseView:
        return _view(self.conn, view_id, self.limits.visibility)

    def add(self, view: CaseView) -> None:
        self.conn.execute(insert(t.case_views).values(**view_to_row(view)))

    def save(self, view: CaseView) -> None:
        self.conn.execute(update(t.case_views).where(V.id == view.id).values(**view_to_row(view)))

    def delete(self, view: CaseView) -> None:
        self.conn.execute(delete(t.case_views).where(V.id == view.id))


class SqlMaintenanceWindowRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, window_id: uuid.UUID) -> MaintenanceWindow:
        return _window(self.conn, window_id)

    def add(self, window: MaintenanceWindow) -> None:
        self.conn.execute(insert(t.maintenance_windows).values(**window_to_row(window)))

    def save(self, window: MaintenanceWindow) -> None:
        row = window_to_row(window)
        self.conn.execute(update(t.maintenance_windows).where(M.id == window.id).values(**row))

    def delete(self, window: MaintenanceWindow) -> None:
        self.conn.execute(delete(t.maintenance_windows).where(M.id == window.id))


class SavedQueryReads:
    """The read model's queries over case views and maintenance windows."""

    engine: ReadConnections

    def case_views(self, visibility: Visibility, project_id: uuid.UUID) -> list[CaseView]:
        p = t.projects.c
        with self.engine.connect() as conn:
            live = select(p.id).where(
                p.id == project_id, p.deleted_at.is_(None), visible(conn, p.id, visibility)
            )
            if conn.execute(live).first() is None:
                raise NotFound("project", project_id)
            query = (
                select(t.case_views)
                .where(V.project_id == project_id)
                .order_by(func.lower(V.name), V.created_at)
            )
            return [view_from_row(r) for r in conn.execute(query).mappings()]

    def case_view(self, visibility: Visibility, view_id: uuid.UUID) -> CaseView:
        with self.engine.connect() as conn:
            return _view(conn, view_id, visibility)

    def maintenance_windows(self) -> list[MaintenanceWindow]:
        query = select(t.maintenance_windows).order_by(M.start_at, M.created_at, M.id)
        with self.engine.connect() as conn:
            return [window_from_row(r) for r in conn.execute(query).mappings()]

    def maintenance_window(self, window_id: uuid.UUID) -> MaintenanceWindow:
        with self.engine.connect() as conn:
            return _window(conn, window_id)
