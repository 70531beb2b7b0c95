"""Moving a case to another project."""

from __future__ import annotations

import uuid
from datetime import datetime

from casedesk.domain import commands as c
from casedesk.domain.users import Principal
from casedesk.services.ports.uow import UnitOfWork


def move_case(uow: UnitOfWork, cmd: c.MoveCaseToProject, who: Principal, now: datetime) -> uuid.UUID:
    """The case takes the next key of the destination project; its old key keeps resolving to
    it, so links, bookmarks and messages that name the old key still lead to the case.
    Moving a case to the project it is in changes nothing."""
    case = uow.cases.get(cmd.case)
    project = uow.projects.get(cmd.project)
    if project.id == case.project_id:
        return case.id
    old_key = case.key
    new_key = project.case_key(uow.projects.next_case_number(project.id))
    case.move_to(project.id, new_key, who.user_id, now)
    uow.case_key_aliases.add(old_key, case.id)
    return case.id
