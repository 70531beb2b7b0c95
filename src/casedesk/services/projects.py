"""Project use cases. Changing a project's settings or access, and deleting it, needs an admin
or the project's admin (`services/access.py`); those changes are in the audit log."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from casedesk.domain.audit import AuditAction
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import UserRef
from casedesk.domain.projects import commands as pc
from casedesk.domain.projects.project import Project, clean_handle, clean_name
from casedesk.domain.projects.settings import ProjectSettings
from casedesk.domain.users import Principal
from casedesk.services import audit
from casedesk.services.access import require_project_admin
from casedesk.services.ports.uow import UnitOfWork
from casedesk.services.search.cases import parse_case_query
from casedesk.services.users import resolve

TARGET = "project"


def check_queries(settings: ProjectSettings, who: Principal, now: datetime) -> None:
    """The case queries in settings (auto-escalation, On-Call escalation) must parse, so the
    worker that runs them later never meets one that does not."""
    for path, query in settings.queries():
        parse_case_query(query, now=now, me=who.user_id, field=f"settings/{path}")


def create_project(uow: UnitOfWork, cmd: pc.CreateProject, who: Principal, now: datetime) -> uuid.UUID:
    project = Project.create(name=cmd.name, key=cmd.key, handle=cmd.handle, actor=who.user_id, now=now)
    if uow.projects.key_taken(project.key):
        raise ValidationFailed("key", f"project key {project.key} is already used")
    if uow.projects.handle_taken(project.handle):
        raise ValidationFailed("handle", f"project handle {project.handle} is already used")
    project.enabled_custom_case_types = list(cmd.enabled_custom_case_types)
    project.restricted = cmd.restricted
    uow.projects.add(project)
    if cmd.restricted:
        audit.record(uow, who, now, AuditAction.PROJECT_RESTRICTED, TARGET, project.id, key=project.key)
    for user_id in _members(uow, cmd.member_ids):
        if user_id not in project.member_ids:
            _add_member(uow, project, user_id, False, who, now)
    if cmd.member_ids:
        uow.projects.save(project)
    return project.id


def update_project(uow: UnitOfWork, cmd: pc.UpdateProject, who: Principal, now: datetime) -> uuid.UUID:
    project = uow.projects.get(cmd.project_id)
    if cmd.name is not None:
        project.name = clean_name(cmd.name)
    sections = _settings_sent(cmd)
    if sections or cmd.restricted is not None or cmd.member_ids is not None:
        require_project_admin(who, project, "change its settings or who may see it")
    if cmd.handle is not None and clean_handle(cmd.handle) != project.handle:
        handle = clean_handle(cmd.handle)
        if uow.projects.handle_taken(handle):
            raise ValidationFailed("handle", f"project handle {handle} is already used")
        project.handle = handle
    if cmd.settings is not None:
        check_queries(cmd.settings, who, now)
        # PATCH semantics one level deep: each settings section sent replaces that section.
        project.settings = project.settings.updated(cmd.settings)
    if cmd.enabled_custom_case_types is not None:
        project.enabled_custom_case_types = list(cmd.enabled_custom_case_types)
    if sections:
        audit.record(
            uow,
            who,
            now,
            AuditAction.PROJECT_SETTINGS_CHANGED,
            TARGET,
            project.id,
            key=project.key,
            sent=sections,
        )
    if cmd.restricted is not None:
        _restrict(uow, project, cmd.restricted, who, now)
    if cmd.member_ids is not None:
        wanted = _members(uow, cmd.member_ids)
        for user_id in [u for u in project.member_ids if u not in wanted]:
            _remove_member(uow, project, user_id, who, now)
        for user_id in [u for u in wanted if u not in project.member_ids]:
            _add_member(uow, project, user_id, False, who, now)
    project.modified_at = now
    uow.projects.save(project)
    return project.id


def delete_project(uow: UnitOfWork, cmd: pc.DeleteProject, who: Principal, now: datetime) -> uuid.UUID:
    # Soft delete: the project's cases keep their keys and stay readable.
    project = uow.projects.get(cmd.project_id)
    require_project_admin(who, project, "delete it")
    project.deleted_at = now
    uow.projects.save(project)
    audit.record(uow, who, now, AuditAction.PROJECT_DELETED, TARGET, project.id, key=project.key)
    return project.id


def restrict_project(uow: UnitOfWork, cmd: pc.RestrictProject, who: Principal, now: datetime) -> uuid.UUID:
    project = uow.projects.get(cmd.project)
    require_project_admin(who, project, "change who may see it")
    if _restrict(uow, project, cmd.restricted, who, now):
        uow.projects.save(project)
    return project.id


def add_member(uow: UnitOfWork, cmd: pc.AddProjectMember, who: Principal, now: datetime) -> uuid.UUID:
    project = uow.projects.get(cmd.project)
    require_project_admin(who, project, "change its members")
    if _add_member(uow, project, resolve(uow, cmd.user, "user").id, cmd.admin, who, now):
        uow.projects.save(project)
    return project.id


def remove_member(uow: UnitOfWork, cmd: pc.RemoveProjectMember, who: Principal, now: datetime) -> uuid.UUID:
    project = uow.projects.get(cmd.project)
    require_project_admin(who, project, "change its members")
    user = resolve(uow, cmd.user, "user", active=False)
    if user.id not in project.member_ids:
        raise ValidationFailed("user", f"{user.email} is not a member of project {project.key}")
    _remove_member(uow, project, user.id, who, now)
    uow.projects.save(project)
    return project.id


def favorite(uow: UnitOfWork, cmd: pc.FavoriteProject, who: Principal, now: datetime) -> uuid.UUID:
    project = uow.projects.get(cmd.project_id)
    uow.projects.set_favorite(project.id, who.user_id, True)
    return project.id


def unfavorite(uow: UnitOfWork, cmd: pc.UnfavoriteProject, who: Principal, now: datetime) -> uuid.UUID:
    project = uow.projects.get(cmd.project_id)
    uow.projects.set_favorite(project.id, who.user_id, False)
    return project.id


# -- helpers -------------------------------------------------------------------------------


def _settings_sent(cmd: pc.UpdateProject) -> list[str]:
    """The names of what the update changes among the project's settings."""
    sent = []
    if cmd.settings is not None:
        sent.extend(cmd.settings.sections())
    if cmd.handle is not None:
        sent.append("handle")
    if cmd.enabled_custom_case_types is not None:
        sent.append("enabled_custom_case_types")
    return sent


def _members(uow: UnitOfWork, ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    return list(dict.fromkeys(resolve(uow, UserRef(id=i), "member_user").id for i in ids))


def _restrict(uow: UnitOfWork, project: Project, restricted: bool, who: Principal, now: datetime) -> bool:
    if not project.restrict(restricted, now):
        return False
    action = AuditAction.PROJECT_RESTRICTED if restricted else AuditAction.PROJECT_OPENED
    audit.record(uow, who, now, action, TARGET, project.id, key=project.key)
    return True


def _add_member(
    uow: UnitOfWork, project: Project, user_id: uuid.UUID, admin: bool, who: Principal, now: datetime
) -> bool:
    if not project.add_member(user_id, admin=admin, now=now):
        return False
    role = "admin" if admin else "member"
    audit.record(
        uow, who, now, AuditAction.PROJECT_MEMBER_ADDED, TARGET, project.id,
        key=project.key, user_id=str(user_id), role=role,
    )  # fmt: skip
    return True


def _remove_member(
    uow: UnitOfWork, project: Project, user_id: uuid.UUID, who: Principal, now: datetime
) -> None:
    project.remove_member(user_id, now)
    audit.record(
        uow,
        who,
        now,
        AuditAction.PROJECT_MEMBER_REMOVED,
        TARGET,
        project.id,
        key=project.key,
        user_id=str(user_id),
    )
