"""Who sees and may change what, in one place.

A project is open (every user sees it) or restricted (only its members and the admins do).
`visibility` is built once per request, or once per command, from the caller; every read of
cases or projects takes it (there is no default), and the unit of work applies it to every case
and project a handler loads, so a project the caller may not see is NotFound everywhere. Those
who may see a project may work in it as their role allows; deleting its cases, deleting it,
and changing its settings and access need an admin or the project's admin. A user named as the
author of a change is honoured only for a caller holding `act_on_behalf`, or when it is the
caller themself.
"""

from __future__ import annotations

import uuid

from casedesk.domain.errors import Forbidden, ValidationFailed
from casedesk.domain.ids import UserRef
from casedesk.domain.projects.project import Project
from casedesk.domain.users import Principal, Role, User
from casedesk.domain.vocab import Scope
from casedesk.services.ports.access import Visibility
from casedesk.services.ports.uow import UnitOfWork
from casedesk.services.users import resolve


def visibility(who: Principal) -> Visibility:
    """Admins (and the operator) see everything; anyone else all but the restricted projects
    they are no member of, looked up when first needed."""
    if who.is_admin:
        return Visibility.everything()
    return Visibility.of(who.user_id)


def may_see(user: User, project: Project) -> bool:
    """Whether `user` (not the caller: someone to be notified) sees `project`'s cases: the
    same rule as `visibility`, decided from the project's members in hand."""
    return user.role is Role.ADMIN or not project.restricted or user.id in project.member_ids


def may_administer(who: Principal, project: Project) -> bool:
    return who.is_admin or who.user_id in project.admin_ids


def require_project_admin(who: Principal, project: Project, action: str) -> None:
    if not may_administer(who, project):
        raise Forbidden(f"only an admin or an admin of project {project.key} may {action}")


def author_of(uow: UnitOfWork, named: UserRef | None, who: Principal) -> uuid.UUID:
    """Whom a change is recorded as made by: the caller, or the user the request names as its
    author. Naming someone else needs `act_on_behalf`; then the unit of work records the
    caller as the actor of the change and the named user as whom they acted for."""
    if named is None:
        return who.user_id
    if not who.has(Scope.ACT_ON_BEHALF):
        # Refused alike whether or not the named user exists: a caller who may not act for
        # others learns nothing about who does.
        try:
            if resolve(uow, named, "author").id == who.user_id:
                return who.user_id
        except ValidationFailed:
            pass
        raise Forbidden(
            f"naming another user as the author needs the {Scope.ACT_ON_BEHALF.value} scope", field="author"
        )
    author = resolve(uow, named, "author").id
    if author != who.user_id:
        uow.act_on_behalf(actor=who.user_id, author=author)
    return author
