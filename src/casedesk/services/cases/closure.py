"""The case as its closure conditions see it, assembled from the unit of work."""

from __future__ import annotations

import uuid
from typing import Any

from casedesk.domain.cases.case import Case
from casedesk.domain.cases.closure import team_case
from casedesk.domain.errors import NotFound
from casedesk.domain.projects.project import Project
from casedesk.domain.users import User
from casedesk.services.ports.uow import UnitOfWork


def closure_view(uow: UnitOfWork, case: Case) -> dict[str, Any]:
    """`team_case` for formulas (`domain/cases/closure.py`), linked cases included (buttons
    and activities are not something a condition can sensibly test)."""
    people = {case.created_by, case.opened_by, case.closed_by, *case.assignee_ids}
    users: dict[uuid.UUID, User] = {}
    for user_id in people:
        if user_id is not None:
            try:
                users[user_id] = uow.users.get(user_id)
            except NotFound:
                continue
    project: Project | None
    try:
        project = uow.projects.get(case.project_id)
    except NotFound:
        project = None  # a deleted project's cases stay closable
    records = uow.attachments.record_results(case.record_ids) if case.record_ids else {}
    view = team_case(case, users, project, records)
    # Linked cases are not the case's own state, but formulas read them on the case.
    view["linked_cases"] = uow.links.linked_case_numbers(case.id)
    return view
