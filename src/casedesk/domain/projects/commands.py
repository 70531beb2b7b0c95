"""Project commands."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from casedesk.domain.commands import Command
from casedesk.domain.ids import UserRef
from casedesk.domain.projects.settings import ProjectSettings


@dataclass(frozen=True)
class CreateProject(Command[uuid.UUID]):
    name: str
    key: str
    handle: str | None = None
    enabled_custom_case_types: list[str] = field(default_factory=list)
    restricted: bool = False
    # Members besides the creator, who is the project's admin.
    member_ids: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True)
class UpdateProject(Command[uuid.UUID]):
    project_id: uuid.UUID
    name: str | None = None
    handle: str | None = None
    # The sections sent; each replaces the project's section of that name.
    settings: ProjectSettings | None = None
    enabled_custom_case_types: list[str] | None = None
    restricted: bool | None = None
    # The members the project is to have; those kept keep their role, new ones are members.
    member_ids: tuple[uuid.UUID, ...] | None = None


@dataclass(frozen=True)
class DeleteProject(Command[uuid.UUID]):
    project_id: uuid.UUID


@dataclass(frozen=True)
class FavoriteProject(Command[uuid.UUID]):
    project_id: uuid.UUID


@dataclass(frozen=True)
class UnfavoriteProject(Command[uuid.UUID]):
    project_id: uuid.UUID


@dataclass(frozen=True)
class RestrictProject(Command[uuid.UUID]):
    """Restricted (only members and admins see it), or open again when `restricted` is False.
    `project` is its id, key or number."""

    project: str
    restricted: bool = True


@dataclass(frozen=True)
class AddProjectMember(Command[uuid.UUID]):
    """Adds the user, or changes their role when they are a member already."""

    project: str
    user: UserRef
    admin: bool = False


@dataclass(frozen=True)
class RemoveProjectMember(Command[uuid.UUID]):
    project: str
    user: UserRef
