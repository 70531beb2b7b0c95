"""Project commands."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from casedesk.domain.commands import Command


@dataclass(frozen=True)
class CreateProject(Command):
    name: str
    key: str
    handle: str | None = None
    enabled_custom_case_types: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class UpdateProject(Command):
    project_id: uuid.UUID
    name: str | None = None
    handle: str | None = None
    settings: dict[str, Any] | None = None
    enabled_custom_case_types: list[str] | None = None


@dataclass(frozen=True)
class DeleteProject(Command):
    project_id: uuid.UUID


@dataclass(frozen=True)
class FavoriteProject(Command):
    project_id: uuid.UUID


@dataclass(frozen=True)
class UnfavoriteProject(Command):
    project_id: uuid.UUID
