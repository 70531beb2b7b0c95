"""Project use cases."""

from __future__ import annotations

import uuid
from datetime import datetime

from casedesk.domain import commands as c
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.projects.project import Project, clean_handle, clean_name
from casedesk.domain.users import Principal
from casedesk.services.ports.uow import UnitOfWork


def create_project(uow: UnitOfWork, cmd: c.CreateProject, who: Principal, now: datetime) -> uuid.UUID:
    project = Project.create(name=cmd.name, key=cmd.key, handle=cmd.handle, actor=who.user_id, now=now)
    if uow.projects.key_taken(project.key):
        raise ValidationFailed("key", f"project key {project.key} is already used")
    if uow.projects.handle_taken(project.handle):
        raise ValidationFailed("handle", f"project handle {project.handle} is already used")
    project.enabled_custom_case_types = list(cmd.enabled_custom_case_types)
    uow.projects.add(project)
    return project.id


def update_project(uow: UnitOfWork, cmd: c.UpdateProject, who: Principal, now: datetime) -> uuid.UUID:
    project = uow.projects.get(cmd.project_id)
    if cmd.name is not None:
        project.name = clean_name(cmd.name)
    if cmd.handle is not None and clean_handle(cmd.handle) != project.handle:
        handle = clean_handle(cmd.handle)
        if uow.projects.handle_taken(handle):
            raise ValidationFailed("handle", f"project handle {handle} is already used")
        project.handle = handle
    if cmd.settings is not None:
        # PATCH semantics one level deep: each settings section sent replaces that section.
        project.settings = {**project.settings, **cmd.settings}
    if cmd.enabled_custom_case_types is not None:
        project.enabled_custom_case_types = list(cmd.enabled_custom_case_types)
    project.modified_at = now
    uow.projects.save(project)
    return project.id


def delete_project(uow: UnitOfWork, cmd: c.DeleteProject, who: Principal, now: datetime) -> uuid.UUID:
    # Soft delete: the project's cases keep their keys and stay readable.
    project = uow.projects.get(cmd.project_id)
    project.deleted_at = now
    uow.projects.save(project)
    return project.id


def favorite(uow: UnitOfWork, cmd: c.FavoriteProject, who: Principal, now: datetime) -> uuid.UUID:
    project = uow.projects.get(cmd.project_id)
    uow.projects.set_favorite(project.id, who.user_id, True)
    return project.id


def unfavorite(uow: UnitOfWork, cmd: c.UnfavoriteProject, who: Principal, now: datetime) -> uuid.UUID:
    project = uow.projects.get(cmd.project_id)
    uow.projects.set_favorite(project.id, who.user_id, False)
    return project.id
