"""What planning the notifications of one event reads: the subject as it stands, with what
decides who is told (the project's rules and settings, watchers, the people concerned, the
incident rules and templates), and the maintenance windows. A few queries per event: the
planner runs for every change."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from casedesk.domain.cases.notification_rules import ProjectNotificationRule
from casedesk.domain.incidents.incident import Incident
from casedesk.domain.incidents.settings import Setting
from casedesk.domain.maintenance import MaintenanceWindow
from casedesk.domain.projects.project import Project
from casedesk.domain.users import User
from casedesk.services.ports.case_queries import CaseSummary
from casedesk.services.search.predicates import Predicate


@dataclass(frozen=True)
class CaseScene:
    """A case as it stands, with its project (settings, access), its type's name, its
    watchers and its project's notification rules (oldest first). `people` holds every
    user the case names and those asked for."""

    case: CaseSummary
    project: Project
    type_name: str
    watcher_ids: tuple[uuid.UUID, ...]
    rules: tuple[ProjectNotificationRule, ...]
    people: Mapping[uuid.UUID, User] = field(default_factory=dict)


@dataclass(frozen=True)
class IncidentScene:
    """An incident as it stands, its type's name, the live notification rules and
    templates (incident settings, oldest first), and the users it names and those asked for."""

    incident: Incident
    type_name: str
    rules: tuple[Setting, ...]
    templates: Mapping[uuid.UUID, Setting]
    people: Mapping[uuid.UUID, User] = field(default_factory=dict)


class NotifyReads(Protocol):
    def case_scene(self, case_id: uuid.UUID, people: set[uuid.UUID]) -> CaseScene | None:
        """None when the case is gone (deleted)."""

    def incident_scene(self, incident_id: uuid.UUID, people: set[uuid.UUID]) -> IncidentScene | None:
        """None when the incident is gone (deleted)."""

    def case_matches(self, case_id: uuid.UUID, filters: Sequence[Predicate]) -> list[bool]:
        """Whether the case, as stored, matches each filter, in one query."""

    def windows_active_at(self, moment: datetime) -> list[MaintenanceWindow]:
        """The maintenance windows open at `moment`, by start time."""

    def on_behalf_of(self, event_id: uuid.UUID) -> uuid.UUID | None:
        """Whom the event's actor acted for, as its timeline row records it."""
