"""What the incident use cases need from storage, as protocols the adapters implement."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Protocol

from casedesk.domain.incidents.commands import IncidentRef
from casedesk.domain.incidents.incident import Incident
from casedesk.domain.incidents.settings import Setting, SettingKind
from casedesk.domain.users import User
from casedesk.services.ports.access import Visibility
from casedesk.services.search.incident_predicates import IncidentPredicate
from casedesk.services.search.predicates import Everything


class IncidentRepository(Protocol):
    def get(self, ref: IncidentRef) -> Incident:
        """Loads and locks the incident with its items; raises NotFound (also when deleted)."""

    def add(self, incident: Incident) -> None: ...

    def linked_to_case(self, case_id: uuid.UUID) -> list[Incident]:
        """Every incident linked to the case, deleted ones too (they still reference it)."""

    def next_public_id(self) -> int:
        """The next public id; ids are never handed out twice, not even after a delete."""


class IncidentSettingRepository(Protocol):
    def get(self, kind: SettingKind, setting_id: uuid.UUID) -> Setting:
        """A live (not deleted) setting; raises NotFound."""

    def all(self, kind: SettingKind, *, lock: bool = True) -> list[Setting]:
        """The live settings of a kind, oldest first."""

    def add(self, setting: Setting) -> None: ...

    def save(self, setting: Setting) -> None: ...


# -- read side ---------------------------------------------------------------------------


@dataclass
class IncidentDetail:
    incident: Incident
    users: dict[uuid.UUID, User] = field(default_factory=dict)
    case_number: int | None = None


@dataclass(frozen=True)
class IncidentSearch:
    filter: IncidentPredicate = field(default_factory=Everything)
    newest_first: bool = True
    offset: int = 0
    size: int = 10


@dataclass
class IncidentPage:
    incidents: list[IncidentDetail]
    total: int
    users: dict[uuid.UUID, User] = field(default_factory=dict)


@dataclass(frozen=True)
class FacetCount:
    name: str
    count: int
    user: User | None = None


@dataclass
class IncidentFacets:
    """How many matching incidents have each value, per facet; and duration ranges."""

    counts: dict[str, list[FacetCount]] = field(default_factory=dict)
    fields: dict[str, list[FacetCount]] = field(default_factory=dict)
    ranges: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)


class IncidentReadModel(Protocol):
    def incident(self, visibility: Visibility, ref: IncidentRef) -> IncidentDetail:
        """The linked case's number only when `visibility` shows that case."""

    def search_incidents(self, visibility: Visibility, search: IncidentSearch) -> IncidentPage: ...

    def incident_facets(self, filter: IncidentPredicate) -> IncidentFacets: ...

    def settings(self, kind: SettingKind, *, include_deleted: bool = False) -> list[Setting]: ...

    def setting(self, kind: SettingKind, setting_id: uuid.UUID) -> Setting:
        """A live setting of that kind; raises NotFound."""

    def users(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, User]: ...
