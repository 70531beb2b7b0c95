"""Wire ⇄ core for a project's `settings` (Datadog's `ProjectSettings`).

The one place the dialect's shape and the core's differ is the project handle: Datadog keeps
it in `settings.integration_monitor.handle`, casedesk on the project (it names the project
in `@case-<handle>` and must be unique). Every other member reads back as it was written.
"""

from __future__ import annotations

from typing import Any

from casedesk.domain.documents import from_document, to_document
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.projects.project import Project
from casedesk.domain.projects.settings import ProjectSettings

MONITOR = "integration_monitor"


def settings_from_wire(sent: dict[str, Any]) -> tuple[str | None, ProjectSettings]:
    """The handle the settings carry (None when they carry none) and the sections sent."""
    sections = dict(sent)
    handle: str | None = None
    monitor = sections.get(MONITOR)
    if isinstance(monitor, dict) and "handle" in monitor:
        raw = monitor["handle"]
        if raw is not None and not isinstance(raw, str):
            raise ValidationFailed("handle", "the handle must be a string")
        handle = raw
        rest = {k: v for k, v in monitor.items() if k != "handle"}
        # A monitor section that carries only the handle changes only the handle; it does
        # not wipe the monitor settings that are already there.
        if rest:
            sections[MONITOR] = rest
        else:
            del sections[MONITOR]
    return handle, from_document(ProjectSettings, sections, path="settings")


def settings_to_wire(project: Project) -> dict[str, Any]:
    settings = to_document(project.settings)
    settings[MONITOR] = {**settings.get(MONITOR, {}), "handle": project.handle}
    return settings
