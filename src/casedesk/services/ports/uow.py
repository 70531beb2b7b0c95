"""What the services need from the outside world, as protocols the adapters implement."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

from casedesk.domain.audit import AuditAction, AuditEntry
from casedesk.domain.cases.case import Case
from casedesk.domain.cases.case_types import CaseType
from casedesk.domain.cases.custom_attributes import CustomAttributeConfig
from casedesk.domain.cases.links import CaseLink, Entity, EntityRef, Relationship
from casedesk.domain.cases.notification_rules import ProjectNotificationRule
from casedesk.domain.cases.views import CaseView
from casedesk.domain.ids import CaseRef
from casedesk.domain.maintenance import MaintenanceWindow
from casedesk.domain.projects.project import Project, ProjectIdentity
from casedesk.domain.users import ApiKey, AppKey, User
from casedesk.services.ports.access import Visibility
from casedesk.services.ports.attachments import AttachmentRepository
from casedesk.services.ports.case_counts import CaseAggregation, CaseCounts, Facets
from casedesk.services.ports.case_queries import ACTIVITIES_MAX, CaseDetail, CasePage, CaseQuery, Include
from casedesk.services.ports.channel_config import AddressCheck, ChannelRepository
from casedesk.services.ports.destinations import DestinationNames
from casedesk.services.ports.incidents import IncidentRepository, IncidentSettingRepository
from casedesk.services.search.predicates import Predicate

Clock = Callable[[], datetime]


@dataclass
class CommentCell:
    id: uuid.UUID
    case_id: uuid.UUID
    author_id: uuid.UUID | None  # the author shown: whom it was posted for, or who posted it
    message: str
    created_at: datetime
    modified_at: datetime | None = None
    deleted_at: datetime | None = None
    # Who posted it, when they posted it on behalf of `author_id`.
    posted_by: uuid.UUID | None = None
    # Who last edited it and who deleted it, kept on the comment's timeline cell.
    modified_by: uuid.UUID | None = None
    deleted_by: uuid.UUID | None = None


class CaseRepository(Protocol):
    def get(self, ref: CaseRef) -> Case:
        """Loads and locks the case; raises NotFound, also for a case in a project the unit of
        work's visibility hides."""

    def add(self, case: Case) -> None:
        """A new case. One opened unnumbered is numbered (`Case.take_numbers`) as it is
        written on commit, by the statement that inserts it: the project's numbering stays
        locked from there to the commit, and concurrent creations in the project wait."""

    def next_numbers(self, project_id: uuid.UUID) -> tuple[int, int]:
        """The next global case number and the next number in the project (for its key),
        never handed out twice, for a case that needs them before it is written. The
        project's numbering stays locked until the commit, so draw them after every lookup:
        concurrent creations in the project wait meanwhile."""

    def delete(self, case: Case) -> None:
        """Removes the case and everything attached to it; its timeline stays, and the events
        it recorded are still written on commit."""


class ProjectRepository(Protocol):
    def get(self, ref: uuid.UUID | str) -> Project:
        """By id, or by key when given a string; raises NotFound (also for deleted projects and
        for those the unit of work's visibility hides)."""

    def identity(self, ref: uuid.UUID | str) -> ProjectIdentity:
        """The project `get` finds for `ref` (and the same NotFound), without the rest of it:
        its members and settings are not read."""

    def add(self, project: Project) -> None: ...

    def save(self, project: Project) -> None:
        """The project, its members and their roles."""

    def key_taken(self, key: str) -> bool: ...

    def handle_taken(self, handle: str) -> bool: ...

    def next_case_number(self, project_id: uuid.UUID) -> int: ...

    def set_favorite(self, project_id: uuid.UUID, user_id: uuid.UUID, favorite: bool) -> None: ...


class UserRepository(Protocol):
    def get(self, user_id: uuid.UUID) -> User: ...

    def find_by_email(self, email: str) -> User | None: ...

    def find_by_number(self, number: int) -> User | None: ...

    def add(self, user: User) -> None: ...

    def save(self, user: User) -> None: ...

    def active_admins(self) -> int:
        """How many users are admins and not disabled, counted under a lock on the admins'
        rows (PostgreSQL), so two demotions racing cannot both see another admin left."""


class KeyRepository(Protocol):
    def add_app_key(self, key: AppKey) -> None: ...

    def add_api_key(self, key: ApiKey) -> None: ...

    def get_app_key(self, key_id: uuid.UUID) -> AppKey:
        """Raises NotFound."""

    def save_app_key(self, key: AppKey) -> None:
        """Writes what may change: its revocation."""


class CaseTypeRepository(Protocol):
    def get(self, type_id: uuid.UUID) -> CaseType:
        """Also deleted types (their cases still name them); raises NotFound."""

    def add(self, case_type: CaseType) -> None: ...

    def save(self, case_type: CaseType) -> None: ...


class CustomAttributeRepository(Protocol):
    def get(self, type_id: uuid.UUID, config_id: uuid.UUID) -> CustomAttributeConfig: ...

    def find(self, type_id: uuid.UUID, key: str) -> CustomAttributeConfig | None: ...

    def add(self, config: CustomAttributeConfig) -> None: ...

    def save(self, config: CustomAttributeConfig) -> None: ...

    def delete(self, config: CustomAttributeConfig) -> None: ...

    def in_use(self, config: CustomAttributeConfig) -> bool:
        """Whether any case holds a value for this attribute."""


class TimelineRepository(Protocol):
    def get_comment(self, case_id: uuid.UUID, cell_id: uuid.UUID) -> CommentCell:
        """Raises NotFound for unknown or deleted comments."""

    def save_comment(self, cell: CommentCell) -> None: ...


class LinkRepository(Protocol):
    def get(self, link_id: uuid.UUID) -> CaseLink:
        """Raises NotFound."""

    def find(self, parent: Entity, child: Entity, relationship: Relationship) -> CaseLink | None: ...

    def add(self, link: CaseLink) -> None: ...

    def delete(self, link: CaseLink) -> None: ...

    def linked_case_numbers(self, case_id: uuid.UUID) -> list[int]:
        """Numbers of the cases linked to this one, either way round, in ascending order."""


class WatcherRepository(Protocol):
    def watching(self, case_id: uuid.UUID, user_id: uuid.UUID) -> bool: ...

    def add(self, case_id: uuid.UUID, user_id: uuid.UUID, now: datetime) -> None: ...

    def remove(self, case_id: uuid.UUID, user_id: uuid.UUID) -> None: ...


class CaseKeyAliasRepository(Protocol):
    def add(self, key: str, case_id: uuid.UUID) -> None:
        """Keeps `key`, a key the case no longer has, resolving to the case."""


class CaseViewRepository(Protocol):
    def get(self, view_id: uuid.UUID) -> CaseView:
        """Raises NotFound."""

    def add(self, view: CaseView) -> None: ...

    def save(self, view: CaseView) -> None: ...

    def delete(self, view: CaseView) -> None: ...


class MaintenanceWindowRepository(Protocol):
    def get(self, window_id: uuid.UUID) -> MaintenanceWindow:
        """Raises NotFound."""

    def add(self, window: MaintenanceWindow) -> None: ...

    def save(self, window: MaintenanceWindow) -> None: ...

    def delete(self, window: MaintenanceWindow) -> None: ...


class CaseNotificationRuleRepository(Protocol):
    def get(self, project_id: uuid.UUID, rule_id: uuid.UUID) -> ProjectNotificationRule:
        """The project's rule, locked; raises NotFound (also for another project's rule)."""

    def add(self, rule: ProjectNotificationRule) -> None: ...

    def save(self, rule: ProjectNotificationRule) -> None: ...

    def delete(self, rule: ProjectNotificationRule) -> None: ...


class AuditLog(Protocol):
    def record(self, entry: AuditEntry) -> None:
        """Written with the change it describes, in the same transaction."""

    def entries(
        self, *, limit: int, before: uuid.UUID | None = None, action: AuditAction | None = None
    ) -> list[AuditEntry]:
        """Newest first; `before` is the id of the last entry of the previous page."""


class UnitOfWork(Protocol):
    """One transaction. Committing also writes the timeline and outbox rows of every event
    the touched aggregates recorded, so a change and its consequences land together."""

    @property
    def cases(self) -> CaseRepository: ...

    @property
    def projects(self) -> ProjectRepository: ...

    @property
    def users(self) -> UserRepository: ...

    @property
    def keys(self) -> KeyRepository: ...

    @property
    def case_types(self) -> CaseTypeRepository: ...

    @property
    def timeline(self) -> TimelineRepository: ...

    @property
    def custom_attributes(self) -> CustomAttributeRepository: ...

    @property
    def incidents(self) -> IncidentRepository: ...

    @property
    def incident_settings(self) -> IncidentSettingRepository: ...

    @property
    def links(self) -> LinkRepository: ...

    @property
    def watchers(self) -> WatcherRepository: ...

    @property
    def case_key_aliases(self) -> CaseKeyAliasRepository: ...

    @property
    def case_views(self) -> CaseViewRepository: ...

    @property
    def maintenance_windows(self) -> MaintenanceWindowRepository: ...

    @property
    def attachments(self) -> AttachmentRepository: ...

    @property
    def case_notification_rules(self) -> CaseNotificationRuleRepository: ...

    @property
    def destinations(self) -> DestinationNames | None:
        """The configured notification destinations as this transaction sees them, for the
        checks made when something naming one is written; None where the installation keeps
        none to check against (then only what the value itself says is checked)."""

    @property
    def audit(self) -> AuditLog: ...

    @property
    def channels(self) -> ChannelRepository:
        """Configured notification channels (a unit of work built without the secret box
        refuses to give them)."""

    @property
    def outbound(self) -> AddressCheck:
        """The operator's outbound address policy, for URLs being written."""

    def limit_to(self, visibility: Visibility) -> None:
        """What the caller may see: cases and projects they may not are NotFound. Until it is
        called, loading a case or a project is a programming error."""

    def act_on_behalf(self, *, actor: uuid.UUID, author: uuid.UUID) -> None:
        """The changes this unit of work records as made by `author` were made by `actor` on
        their behalf: their events get `actor` as the actor and `author` as `on_behalf_of_id`."""

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


# -- read side ---------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    id: uuid.UUID
    kind: str
    author: User | None
    created_at: datetime
    data: dict[str, Any]
    modified_at: datetime | None = None
    # Who made it, when they made it on behalf of `author` (who is then the one named).
    submitted_by: User | None = None


class ReadModel(Protocol):
    """Every read of cases and projects takes the caller's `Visibility` first (no default):
    what it hides is NotFound, and left out of every list, count and aggregate."""

    def case(
        self,
        visibility: Visibility,
        ref: CaseRef,
        include: frozenset[Include] = frozenset(),
        activities_max: int = ACTIVITIES_MAX,
    ) -> CaseDetail:
        """Raises NotFound."""

    def search_cases(self, query: CaseQuery) -> CasePage: ...

    def count_cases(
        self, visibility: Visibility, filter: Predicate, facets: Facets, limit: int
    ) -> CaseCounts:
        """How many cases `filter` matches and, per facet, its `limit` most frequent values."""

    def aggregate_cases(
        self, visibility: Visibility, filter: Predicate, facets: Facets, limit: int
    ) -> CaseAggregation:
        """How many cases `filter` matches and the `limit` most frequent combinations of the
        facets' values."""

    def case_timeline(
        self, visibility: Visibility, ref: CaseRef, page_size: int, page_number: int, ascending: bool
    ) -> list[TimelineEntry]: ...

    def comment(self, visibility: Visibility, ref: CaseRef, cell_id: uuid.UUID) -> TimelineEntry: ...

    def case_types(self) -> list[CaseType]: ...

    def case_type(self, type_id: uuid.UUID) -> CaseType:
        """A live (not deleted) case type; raises NotFound."""

    def custom_attribute_configs(self, type_id: uuid.UUID | None) -> list[CustomAttributeConfig]:
        """Of one case type, or of every live case type when `type_id` is None."""

    def custom_attribute_config(self, type_id: uuid.UUID, config_id: uuid.UUID) -> CustomAttributeConfig: ...

    def projects(self, visibility: Visibility) -> list[Project]: ...

    def project(self, visibility: Visibility, project_id: uuid.UUID) -> Project: ...

    def project_by_number(self, visibility: Visibility, number: int) -> Project:
        """A live project by its number; raises NotFound."""

    def favorite_project_ids(self, visibility: Visibility, user_id: uuid.UUID) -> list[uuid.UUID]: ...

    def user(self, user_id: uuid.UUID) -> User: ...

    def case_links(
        self, visibility: Visibility, entity: EntityRef, relationship: Relationship | None
    ) -> list[CaseLink]:
        """Links with `entity` at either end, oldest first; an unknown case is NotFound. A link
        whose other end is a case the caller may not see is left out."""

    def case_link(self, visibility: Visibility, link_id: uuid.UUID) -> CaseLink:
        """NotFound also when either end is a case the caller may not see."""

    def case_views(self, visibility: Visibility, project_id: uuid.UUID) -> list[CaseView]:
        """The views of a live project, by name; raises NotFound for unknown or deleted projects."""

    def case_view(self, visibility: Visibility, view_id: uuid.UUID) -> CaseView: ...

    def maintenance_windows(self) -> list[MaintenanceWindow]:
        """Every window, by start time."""

    def maintenance_window(self, window_id: uuid.UUID) -> MaintenanceWindow: ...

    def case_notification_rules(
        self, visibility: Visibility, project_id: uuid.UUID
    ) -> list[ProjectNotificationRule]:
        """The rules of a live project the caller may see, oldest first; raises NotFound."""

    def case_notification_rule(
        self, visibility: Visibility, project_id: uuid.UUID, rule_id: uuid.UUID
    ) -> ProjectNotificationRule:
        """Raises NotFound, also for a rule of another project."""
