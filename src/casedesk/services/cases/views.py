"""Case views: saved queries in a project. Every write checks the query with the real parser,
so a view that is stored is a view that runs."""

from __future__ import annotations

import uuid
from datetime import datetime

from casedesk.domain.cases.views import (
    CaseView,
    CreateCaseView,
    DeleteCaseView,
    UpdateCaseView,
    clean_query,
    clean_rule_id,
    clean_view_name,
)
from casedesk.domain.users import Principal
from casedesk.services.ports.uow import UnitOfWork
from casedesk.services.search.cases import parse_case_query


def check_query(query: str, who: Principal, now: datetime) -> None:
    """Raises ValidationFailed("query", ...) saying where the query breaks."""
    parse_case_query(clean_query(query), now=now, me=who.user_id, field="query")


def create_view(uow: UnitOfWork, cmd: CreateCaseView, who: Principal, now: datetime) -> uuid.UUID:
    view = CaseView.create(
        project_id=cmd.project_id,
        name=cmd.name,
        query=cmd.query,
        np_rule_id=cmd.np_rule_id,
        actor=who.user_id,
        now=now,
    )
    check_query(view.query, who, now)
    project = uow.projects.get(cmd.project_id)
    view.project_id = project.id
    uow.case_views.add(view)
    return view.id


def update_view(uow: UnitOfWork, cmd: UpdateCaseView, who: Principal, now: datetime) -> uuid.UUID:
    if cmd.name is not None:
        clean_view_name(cmd.name)
    if cmd.query is not None:
        check_query(cmd.query, who, now)
    clean_rule_id(cmd.np_rule_id)
    view = uow.case_views.get(cmd.view_id)
    view.update(name=cmd.name, query=cmd.query, np_rule_id=cmd.np_rule_id, actor=who.user_id, now=now)
    uow.case_views.save(view)
    return view.id


def delete_view(uow: UnitOfWork, cmd: DeleteCaseView, who: Principal, now: datetime) -> uuid.UUID:
    view = uow.case_views.get(cmd.view_id)
    uow.case_views.delete(view)
    return view.id
