"""Project commands."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from casedesk.domain.commands import Command
from casedesk.domain.projects.settings import ProjectSettings


@dataclass(frozen=True)
class CreateProject(Command[uuid.UUID]):
    name: str
    key: str
    handle: str | None = None
    enabled_custom_case_types: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class UpdateProject(Command[uuid.UUID]):
    project_id: uuid.UUID
    name: str | None = None
    handle: str | None = None
    # The sections sent; each replaces the project's section of that name.
    settings: ProjectSettings | None = None
    enabled_custom_case_types: list[str] | None = None


@dataclass(frozen=True)
class DeleteProject(Command[uuid.UUID]):
    project_id: uuid.UUID


@dataclass(frozen=True)
class FavoriteProject(Command[uuid.UUID]):
    project_id: uuid.UUID


@dataclass(frozen=True)
class UnfavoriteProject(Command[uuid.UUID]):
    project_id: uuid.UUID
