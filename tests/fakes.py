"""An in-memory unit of work, so handlers, the bus and authorisation run without a database.

It keeps the real one's contract: work happens on a private copy of the store, and only
`commit()` makes it visible, together with the timeline and outbox entries of every event
the touched cases recorded. Leaving without committing throws the copy away.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from types import TracebackType

from casedesk.domain.cases.case import Case
from casedesk.domain.cases.case_types import CaseType, builtin_case_types
from casedesk.domain.cases.custom_attributes import CustomAttributeConfig
from casedesk.domain.cases.links import CaseLink
from casedesk.domain.cases.views import CaseView
from casedesk.domain.errors import NotFound
from casedesk.domain.events import CaseEvent, Event
from casedesk.domain.ids import CaseRef
from casedesk.domain.incidents.incident import Incident
from casedesk.domain.incidents.settings import Setting
from casedesk.domain.maintenance import MaintenanceWindow
from casedesk.domain.projects.project import Project
from casedesk.domain.users import ApiKey, AppKey, Principal, User
from casedesk.domain.vocab import Scope
from casedesk.services.bus import MessageBus
from casedesk.services.ports.uow import CommentCell
from tests.fake_extras import ExtrasStore, FakeCaseExtrasRepository
from tests.fake_incidents import FakeIncidentRepository, FakeIncidentSettingRepository
from tests.fakes_related import (
    FakeCaseKeyAliasRepository,
    FakeCaseViewRepository,
    FakeLinkRepository,
    FakeMaintenanceWindowRepository,
    FakeWatcherRepository,
)

NOW = datetime(2030, 6, 1, 9, 30, tzinfo=UTC)


def _builtin_types() -> dict[uuid.UUID, CaseType]:
    return {case_type.id: case_type for case_type in builtin_case_types()}


@dataclass
class Store:
    """Everything committed so far; tests read it directly."""

    users: dict[uuid.UUID, User] = field(default_factory=dict)
    api_keys: dict[str, ApiKey] = field(default_factory=dict)
    app_keys: dict[str, AppKey] = field(default_factory=dict)
    projects: dict[uuid.UUID, Project] = field(default_factory=dict)
    last_case_numbers: dict[uuid.UUID, int] = field(default_factory=dict)
    favorites: set[tuple[uuid.UUID, uuid.UUID]] = field(default_factory=set)
    case_types: dict[uuid.UUID, CaseType] = field(default_factory=_builtin_types)
    custom_attribute_configs: dict[uuid.UUID, CustomAttributeConfig] = field(default_factory=dict)
    cases: dict[uuid.UUID, Case] = field(default_factory=dict)
    comments: dict[uuid.UUID, CommentCell] = field(default_factory=dict)
    incidents: dict[uuid.UUID, Incident] = field(default_factory=dict)
    incident_settings: dict[uuid.UUID, Setting] = field(default_factory=dict)
    incident_public_id: int = 0
    timeline: list[Event] = field(default_factory=list)
    outbox: list[Event] = field(default_factory=list)
    links: dict[uuid.UUID, CaseLink] = field(default_factory=dict)
    watchers: dict[tuple[uuid.UUID, uuid.UUID], datetime] = field(default_factory=dict)
    key_aliases: dict[str, uuid.UUID] = field(default_factory=dict)
    views: dict[uuid.UUID, CaseView] = field(default_factory=dict)
    maintenance_windows: dict[uuid.UUID, MaintenanceWindow] = field(default_factory=dict)
    case_extras: ExtrasStore = field(default_factory=ExtrasStore)
    case_number: int = 0
    commits: int = 0


class FakeCaseRepository:
    def __init__(self, state: Store) -> None:
        self.state = state

    def get(self, ref: CaseRef) -> Case:
        case_id = self.state.key_aliases.get(ref.key or "")
        for case in self.state.cases.values():
            if case.id in (ref.id, case_id) or ref.key == case.key or ref.number == case.number:
                return case
        raise NotFound("case", ref)

    def add(self, case: Case) -> None:
        self.state.cases[case.id] = case

    def next_number(self) -> int:
        self.state.case_number += 1
        return self.state.case_number

    def delete(self, case: Case) -> None:
        self.state.case_extras.deleted_cases.add(case.id)


class FakeProjectRepository:
    def __init__(self, state: Store) -> None:
        self.state = state

    def get(self, ref: uuid.UUID | str) -> Project:
        for project in self.state.projects.values():
            if project.deleted_at is None and _matches(project, ref):
                return project
        raise NotFound("project", ref)

    def add(self, project: Project) -> None:
        self.state.projects[project.id] = project
        self.state.last_case_numbers[project.id] = 0

    def save(self, project: Project) -> None:
        self.state.projects[project.id] = project

    def key_taken(self, key: str) -> bool:
        return any(p.key == key for p in self.state.projects.values())

    def handle_taken(self, handle: str) -> bool:
        return any(p.handle == handle for p in self.state.projects.values())

    def next_case_number(self, project_id: uuid.UUID) -> int:
        self.state.last_case_numbers[project_id] += 1
        return self.state.last_case_numbers[project_id]

    def set_favorite(self, project_id: uuid.UUID, user_id: uuid.UUID, favorite: bool) -> None:
        if favorite:
            self.state.favorites.add((project_id, user_id))
        else:
            self.state.favorites.discard((project_id, user_id))


def _matches(project: Project, ref: uuid.UUID | str) -> bool:
    if isinstance(ref, uuid.UUID):
        return project.id == ref
    try:
        return project.id == uuid.UUID(ref)
    except ValueError:
        return project.key == ref.upper()


class FakeUserRepository:
    def __init__(self, state: Store) -> None:
        self.state = state

    def get(self, user_id: uuid.UUID) -> User:
        if user_id not in self.state.users:
            raise NotFound("user", user_id)
        return self.state.users[user_id]

    def find_by_email(self, email: str) -> User | None:
        return next((u for u in self.state.users.values() if u.email == email.lower()), None)

    def find_by_number(self, number: int) -> User | None:
        return next((u for u in self.state.users.values() if u.number == number), None)

    def add(self, user: User) -> None:
        self.state.users[user.id] = user

    def save(self, user: User) -> None:
        self.state.users[user.id] = user


class FakeKeyRepository:
    def __init__(self, state: Store) -> None:
        self.state = state

    def add_app_key(self, key: AppKey) -> None:
        self.state.app_keys[key.key_hash] = key

    def add_api_key(self, key: ApiKey) -> None:
        self.state.api_keys[key.key_hash] = key


class FakeCaseTypeRepository:
    def __init__(self, state: Store) -> None:
        self.state = state

    def get(self, type_id: uuid.UUID) -> CaseType:
        if type_id not in self.state.case_types:
            raise NotFound("case_type", type_id)
        return self.state.case_types[type_id]

    def add(self, case_type: CaseType) -> None:
        self.state.case_types[case_type.id] = case_type

    def save(self, case_type: CaseType) -> None:
        self.state.case_types[case_type.id] = case_type


class FakeCustomAttributeRepository:
    def __init__(self, state: Store) -> None:
        self.state = state

    def get(self, type_id: uuid.UUID, config_id: uuid.UUID) -> CustomAttributeConfig:
        config = self.state.custom_attribute_configs.get(config_id)
        if config is None or config.case_type_id != type_id:
            raise NotFound("custom attribute", config_id)
        return config

    def find(self, type_id: uuid.UUID, key: str) -> CustomAttributeConfig | None:
        configs = self.state.custom_attribute_configs.values()
        return next((x for x in configs if x.case_type_id == type_id and x.key == key), None)

    def add(self, config: CustomAttributeConfig) -> None:
        self.state.custom_attribute_configs[config.id] = config

    def save(self, config: CustomAttributeConfig) -> None:
        self.state.custom_attribute_configs[config.id] = config

    def delete(self, config: CustomAttributeConfig) -> None:
        del self.state.custom_attribute_configs[config.id]

    def in_use(self, config: CustomAttributeConfig) -> bool:
        return any(
            case.type_id == config.case_type_id and config.key in case.custom_attributes
            for case in self.state.cases.values()
        )


class FakeTimelineRepository:
    def __init__(self, state: Store) -> None:
        self.state = state

    def get_comment(self, case_id: uuid.UUID, cell_id: uuid.UUID) -> CommentCell:
        cell = self.state.comments.get(cell_id)
        if cell is None or cell.case_id != case_id or cell.deleted_at is not None:
            raise NotFound("timeline cell", cell_id)
        return cell

    def save_comment(self, cell: CommentCell) -> None:
        self.state.comments[cell.id] = cell


class FakeUnitOfWork:
    cases: FakeCaseRepository
    projects: FakeProjectRepository
    users: FakeUserRepository
    keys: FakeKeyRepository
    case_types: FakeCaseTypeRepository
    timeline: FakeTimelineRepository
    custom_attributes: FakeCustomAttributeRepository
    links: FakeLinkRepository
    watchers: FakeWatcherRepository
    case_key_aliases: FakeCaseKeyAliasRepository
    case_views: FakeCaseViewRepository
    maintenance_windows: FakeMaintenanceWindowRepository
    attachments: FakeCaseExtrasRepository
    incidents: FakeIncidentRepository
    incident_settings: FakeIncidentSettingRepository

    def __init__(self, store: Store) -> None:
        self.store = store
        self.work = store

    def __enter__(self) -> FakeUnitOfWork:
        self.work = copy.deepcopy(self.store)
        self.cases = FakeCaseRepository(self.work)
        self.projects = FakeProjectRepository(self.work)
        self.users = FakeUserRepository(self.work)
        self.keys = FakeKeyRepository(self.work)
        self.case_types = FakeCaseTypeRepository(self.work)
        self.timeline = FakeTimelineRepository(self.work)
        self.custom_attributes = FakeCustomAttributeRepository(self.work)
        self.incidents = FakeIncidentRepository(self.work)
        self.incident_settings = FakeIncidentSettingRepository(self.work)
        self.links = FakeLinkRepository(self.work.links, {c.id: c.number for c in self.work.cases.values()})
        self.watchers = FakeWatcherRepository(self.work.watchers)
        self.case_key_aliases = FakeCaseKeyAliasRepository(self.work.key_aliases)
        self.case_views = FakeCaseViewRepository(self.work.views)
        self.maintenance_windows = FakeMaintenanceWindowRepository(self.work.maintenance_windows)
        self.attachments = FakeCaseExtrasRepository(self.work.case_extras)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.work = self.store

    def commit(self) -> None:
        aggregates: list[Case | Incident] = [*self.work.cases.values(), *self.work.incidents.values()]
        events = sorted((e for aggregate in aggregates for e in aggregate.events), key=lambda e: e.at)
        for aggregate in aggregates:
            aggregate.events.clear()
        for e in events:
            if e.kind == CaseEvent.COMMENTED:
                self.work.comments[e.id] = CommentCell(
                    id=e.id,
                    case_id=e.subject_id,
                    author_id=e.actor_id,
                    message=str(e.data["message"]),
                    created_at=e.at,
                )
        self.work.timeline.extend(e for e in events if e.appends_timeline)
        self.work.outbox.extend(events)
        self.work.commits += 1
        for name in (f.name for f in fields(Store)):
            setattr(self.store, name, getattr(self.work, name))


def fake_bus(store: Store) -> MessageBus:
    return MessageBus(lambda: FakeUnitOfWork(store), clock=lambda: NOW)


def principal(user_id: uuid.UUID, *scopes: Scope, email: str = "someone@example.com") -> Principal:
    return Principal(user_id=user_id, email=email, scopes=frozenset(scopes))
