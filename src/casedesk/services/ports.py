"""What the services need from the outside world, as protocols the adapters implement."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

from casedesk.domain.case_types import CaseType
from casedesk.domain.cases import Case
from casedesk.domain.custom_attributes import CustomAttributeConfig
from casedesk.domain.ids import CaseRef
from casedesk.domain.projects import Project
from casedesk.domain.users import ApiKey, AppKey, User
from casedesk.services.search.predicates import Everything, Predicate

Clock = Callable[[], datetime]


@dataclass
class CommentCell:
    id: uuid.UUID
    case_id: uuid.UUID
    author_id: uuid.UUID | None
    message: str
    created_at: datetime
    modified_at: datetime | None = None
    deleted_at: datetime | None = None


class CaseRepository(Protocol):
    def get(self, ref: CaseRef) -> Case:
        """Loads and locks the case; raises NotFound."""

    def add(self, case: Case) -> None: ...

    def next_number(self) -> int:
        """The next global case number; numbers are never handed out twice."""


class ProjectRepository(Protocol):
    def get(self, ref: uuid.UUID | str) -> Project:
        """By id, or by key when given a string; raises NotFound (also for deleted projects)."""

    def add(self, project: Project) -> None: ...

    def save(self, project: Project) -> None: ...

    def key_taken(self, key: str) -> bool: ...

    def handle_taken(self, handle: str) -> bool: ...

    def next_case_number(self, project_id: uuid.UUID) -> int: ...

    def set_favorite(self, project_id: uuid.UUID, user_id: uuid.UUID, favorite: bool) -> None: ...


class UserRepository(Protocol):
    def get(self, user_id: uuid.UUID) -> User: ...

    def find_by_email(self, email: str) -> User | None: ...

    def add(self, user: User) -> None: ...

    def save(self, user: User) -> None: ...


class KeyRepository(Protocol):
    def add_app_key(self, key: AppKey) -> None: ...

    def add_api_key(self, key: ApiKey) -> None: ...

    def find_app_key(self, key_hash: str) -> AppKey | None: ...

    def find_api_key(self, key_hash: str) -> ApiKey | None: ...


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


@dataclass(frozen=True)
class CaseSearch:
    filter: Predicate = field(default_factory=Everything)
    sort_field: str = "created_at"
    ascending: bool = False
    page_size: int = 10
    page_number: int = 1  # 1-based


@dataclass
class CasePage:
    cases: list[Case]
    total: int
    users: dict[uuid.UUID, User] = field(default_factory=dict)


@dataclass
class CaseDetail:
    case: Case
    users: dict[uuid.UUID, User] = field(default_factory=dict)


@dataclass
class TimelineEntry:
    id: uuid.UUID
    kind: str
    author: User | None
    created_at: datetime
    data: dict[str, Any]
    modified_at: datetime | None = None


class ReadModel(Protocol):
    def case(self, ref: CaseRef) -> CaseDetail: ...

    def search_cases(self, search: CaseSearch) -> CasePage: ...

    def case_timeline(
        self, ref: CaseRef, page_size: int, page_number: int, ascending: bool
    ) -> list[TimelineEntry]: ...

    def comment(self, ref: CaseRef, cell_id: uuid.UUID) -> TimelineEntry: ...

    def case_types(self) -> list[CaseType]: ...

    def case_type(self, type_id: uuid.UUID) -> CaseType:
        """A live (not deleted) case type; raises NotFound."""

    def custom_attribute_configs(self, type_id: uuid.UUID | None) -> list[CustomAttributeConfig]:
        """Of one case type, or of every live case type when `type_id` is None."""

    def custom_attribute_config(self, type_id: uuid.UUID, config_id: uuid.UUID) -> CustomAttributeConfig: ...

    def projects(self) -> list[Project]: ...

    def project(self, project_id: uuid.UUID) -> Project: ...

    def favorite_project_ids(self, user_id: uuid.UUID) -> list[uuid.UUID]: ...

    def user(self, user_id: uuid.UUID) -> User: ...
