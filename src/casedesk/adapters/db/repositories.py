"""Repositories over one SQLAlchemy connection; they read and write, never commit."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Insert,
    RowMapping,
    Select,
    Update,
    and_,
    bindparam,
    delete,
    insert,
    or_,
    select,
    update,
)

from casedesk.adapters.db import case_numbers
from casedesk.adapters.db.access import VisibilityLimit, restricted, visible, visible_cases
from casedesk.adapters.db.cases.side_tables import (
    NO_ASSIGNEES_OR_RECORDS,
    AssigneesAndRecords,
    assignees_and_records,
    load_assignees_and_records,
    load_insights,
    write_assignees_and_records,
    write_attributes,
    write_custom_values,
    write_insights,
)
from casedesk.adapters.db.rows import (
    app_key_from_row,
    case_from_row,
    case_to_row,
    case_type_from_row,
    case_type_to_row,
    config_from_row,
    config_to_row,
    member_rows,
    project_from_row,
    project_to_row,
    user_from_row,
    user_to_row,
)
from casedesk.adapters.db.schema import cases as x
from casedesk.adapters.db.schema import core as t
from casedesk.adapters.db.schema import incidents as it
from casedesk.domain.cases.case import UNNUMBERED, Case
from casedesk.domain.cases.case_types import CaseType
from casedesk.domain.cases.custom_attributes import CustomAttributeConfig
from casedesk.domain.cases.values import Insight
from casedesk.domain.errors import NotFound
from casedesk.domain.events import CaseEvent
from casedesk.domain.ids import CaseRef
from casedesk.domain.projects.project import Project, ProjectIdentity
from casedesk.domain.users import ApiKey, AppKey, Role, User
from casedesk.services.ports.uow import CommentCell


def next_counter(conn: Connection, name: str) -> int:
    """Atomically bumps a named counter. The row lock makes concurrent callers queue, so a
    value is never handed out twice; rolled-back values were never visible to anyone."""
    value = conn.execute(
        update(t.counters)
        .where(t.counters.c.name == name)
        .values(value=t.counters.c.value + 1)
        .returning(t.counters.c.value)
    ).scalar_one_or_none()
    if value is None:
        raise RuntimeError(f"counter {name!r} is missing; run `casedesk migrate`")
    return int(value)


def case_ref_clause(ref: CaseRef) -> ColumnElement[bool]:
    """Matches the case by id, by key, or by a key it had before it moved project."""
    if ref.id is not None:
        return t.cases.c.id == ref.id
    if ref.number is not None:
        return t.cases.c.number == ref.number
    aliased = select(t.case_key_aliases.c.case_id).where(t.case_key_aliases.c.key == ref.key)
    return or_(t.cases.c.key == ref.key, t.cases.c.id.in_(aliased.scalar_subquery()))


@dataclass(frozen=True)
class _Stored:
    """What the side tables hold for a case, to write them only when they changed."""

    attributes: dict[str, list[str]]
    custom_attributes: dict[str, Any]
    insights: tuple[Insight, ...]
    assignees_and_records: AssigneesAndRecords = NO_ASSIGNEES_OR_RECORDS

    @classmethod
    def of(cls, case: Case) -> _Stored:
        return cls(
            attributes=copy.deepcopy(case.attributes),
            custom_attributes=copy.deepcopy(case.custom_attributes),
            insights=tuple(case.insights),
            assignees_and_records=assignees_and_records(case),
        )


NOTHING_STORED = _Stored({}, {}, ())

# Tables holding a case's rows, deleted with it (their foreign keys may not cascade on
# every backend, and some have no foreign key at all).
CASE_TABLES = (
    x.case_assignees,
    x.case_records,
    x.case_buttons,
    x.case_files,
    t.case_attributes,
    t.case_custom_values,
    t.case_insights,
    t.case_key_aliases,
    t.case_watchers,
)


class SqlCaseRepository:
    def __init__(self, conn: Connection, limits: VisibilityLimit) -> None:
        self.conn = conn
        self.limits = limits
        self.seen: dict[uuid.UUID, Case] = {}
        self.new: set[uuid.UUID] = set()
        self.stored: dict[uuid.UUID, _Stored] = {}

    def get(self, ref: CaseRef) -> Case:
        shown = visible_cases(self.conn, self.limits.visibility)
        row = (
            self.conn.execute(select(t.cases).where(case_ref_clause(ref), shown).with_for_update())
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound("case", ref)
        case = self.seen.get(row["id"])
        if case is None:
            case = self.seen[row["id"]] = case_from_row(row)
            case.insights = load_insights(self.conn, [case.id]).get(case.id, [])
            load_assignees_and_records(self.conn, [case])
            self.stored[case.id] = _Stored.of(case)
        return case

    def add(self, case: Case) -> None:
        self.seen[case.id] = case
        self.new.add(case.id)

    def next_numbers(self, project_id: uuid.UUID) -> tuple[int, int]:
        return case_numbers.draw(self.conn, project_id)

    def lone_creation(self) -> Case | None:
        """The new case, when all this unit of work has to write for cases is the row of one
        unnumbered case (no side rows): the unit of work writes it with its events."""
        if len(self.seen) != 1 or len(self.new) != 1:
            return None
        (case,) = self.seen.values()
        if case.number != UNNUMBERED or _Stored.of(case) != NOTHING_STORED:
            return None
        return case

    def created(self, case: Case, number: int, key: str) -> None:
        """`lone_creation`'s case, written with these numbers."""
        case.take_numbers(number, key)
        self.new.discard(case.id)
        self.stored[case.id] = _Stored.of(case)

    def flush(self) -> None:
        for case_id, case in self.seen.items():
            row = case_to_row(case)
            if case_id in self.new and case.number == UNNUMBERED:
                # The numbers are drawn here, by the insert: the project stays locked from
                # this statement to the commit (case_numbers.py).
                case.take_numbers(*case_numbers.insert_case(self.conn, row))
            elif case_id in self.new:
                self.conn.execute(_insert_case(), row)
            else:
                self.conn.execute(_update_case(), {**row, "case_row_id": case_id})
            stored = self.stored.get(case_id, NOTHING_STORED)
            if case.attributes != stored.attributes:
                write_attributes(self.conn, case)
            if case.custom_attributes != stored.custom_attributes:
                write_custom_values(self.conn, case)
            if tuple(case.insights) != stored.insights:
                write_insights(self.conn, case, case.modified_at or case.created_at)
            if assignees_and_records(case) != stored.assignees_and_records:
                write_assignees_and_records(self.conn, case)
            self.stored[case_id] = _Stored.of(case)
        self.new.clear()

    def delete(self, case: Case) -> None:
        # The handler unlinked the case's incidents; their rows are written at commit, after
        # this delete, so release the reference now for the foreign key.
        incidents = it.incidents
        self.conn.execute(update(incidents).where(incidents.c.case_id == case.id).values(case_id=None))
        for table in CASE_TABLES:
            self.conn.execute(delete(table).where(table.c.case_id == case.id))
        links, ident = t.case_links.c, str(case.id)
        self.conn.execute(
            delete(t.case_links).where(
                or_(
                    and_(links.parent_entity_type == "CASE", links.parent_entity_id == ident),
                    and_(links.child_entity_type == "CASE", links.child_entity_id == ident),
                )
            )
        )
        self.conn.execute(delete(t.cases).where(t.cases.c.id == case.id))


class SqlProjectRepository:
    def __init__(self, conn: Connection, limits: VisibilityLimit) -> None:
        self.conn = conn
        self.limits = limits

    def get(self, ref: uuid.UUID | str) -> Project:
        return self._project(self._find(select(t.projects), _live_project_by_id(), ref), ref)

    def identity(self, ref: uuid.UUID | str) -> ProjectIdentity:
        p = t.projects.c
        row = self._find(select(p.id, p.key), _live_project_identity_by_id(), ref)
        if row is None:
            raise NotFound("project", ref)
        return ProjectIdentity(id=row["id"], key=row["key"])

    def _find(self, columns: Select[Any], by_id: Select[Any], ref: uuid.UUID | str) -> RowMapping | None:
        """The live project `ref` names that the visibility shows, as `columns` (or `by_id`, the
        same columns in a statement built once, for the common lookup by id: a creation's)."""
        p = t.projects.c
        project_id = ref if isinstance(ref, uuid.UUID) else _as_uuid(ref)
        if project_id is not None:
            query = restricted(self.conn, by_id, p.id, self.limits.visibility)
            return self.conn.execute(query, {"project_id": project_id}).mappings().first()
        assert isinstance(ref, str)
        query = columns.where(p.deleted_at.is_(None), visible(self.conn, p.id, self.limits.visibility))
        if ref.isascii() and ref.isdigit() and len(ref) <= 18:
            # Digits alone are a project number (Tines' team id); keys start with a letter.
            query = query.where(p.number == int(ref))
        else:
            query = query.where(p.key == ref.upper())
        return self.conn.execute(query).mappings().first()

    def _project(self, row: RowMapping | None, ref: uuid.UUID | str) -> Project:
        if row is None:
            raise NotFound("project", ref)
        return project_from_row(row, project_members(self.conn, [row["id"]]).get(row["id"], []))

    def add(self, project: Project) -> None:
        project.number = next_counter(self.conn, "project_number")
        row = project_to_row(project)
        self.conn.execute(insert(t.projects).values(**row, last_case_number=0, number=project.number))
        self._write_members(project)

    def save(self, project: Project) -> None:
        self.conn.execute(
            update(t.projects).where(t.projects.c.id == project.id).values(**project_to_row(project))
        )
        stored = project_members(self.conn, [project.id]).get(project.id, [])
        if sorted(stored) != sorted(member_rows(project)):
            self.conn.execute(delete(t.project_members).where(t.project_members.c.project_id == project.id))
            self._write_members(project)

    def _write_members(self, project: Project) -> None:
        rows = [{"project_id": project.id, "user_id": u, "role": r} for u, r in member_rows(project)]
        if rows:
            self.conn.execute(insert(t.project_members), rows)

    def key_taken(self, key: str) -> bool:
        return self.conn.execute(select(t.projects.c.id).where(t.projects.c.key == key)).first() is not None

    def handle_taken(self, handle: str) -> bool:
        query = select(t.projects.c.id).where(t.projects.c.handle == handle)
        return self.conn.execute(query).first() is not None

    def next_case_number(self, project_id: uuid.UUID) -> int:
        return int(
            self.conn.execute(
                update(t.projects)
                .where(t.projects.c.id == project_id)
                .values(last_case_number=t.projects.c.last_case_number + 1)
                .returning(t.projects.c.last_case_number)
            ).scalar_one()
        )

    def set_favorite(self, project_id: uuid.UUID, user_id: uuid.UUID, favorite: bool) -> None:
        fav = t.project_favorites
        match = (fav.c.project_id == project_id) & (fav.c.user_id == user_id)
        self.conn.execute(delete(fav).where(match))
        if favorite:
            self.conn.execute(insert(fav).values(project_id=project_id, user_id=user_id))


class SqlUserRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, user_id: uuid.UUID) -> User:
        row = self.conn.execute(select(t.users).where(t.users.c.id == user_id)).mappings().first()
        if row is None:
            raise NotFound("user", user_id)
        return user_from_row(row)

    def find_by_email(self, email: str) -> User | None:
        query = select(t.users).where(t.users.c.email == email.lower())
        row = self.conn.execute(query).mappings().first()
        return user_from_row(row) if row else None

    def find_by_number(self, number: int) -> User | None:
        row = self.conn.execute(select(t.users).where(t.users.c.number == number)).mappings().first()
        return user_from_row(row) if row else None

    def add(self, user: User) -> None:
        user.number = next_counter(self.conn, "user_number")
        self.conn.execute(insert(t.users).values(**user_to_row(user), number=user.number))

    def save(self, user: User) -> None:
        self.conn.execute(update(t.users).where(t.users.c.id == user.id).values(**user_to_row(user)))

    def active_admins(self) -> int:
        admins = t.users.c.role == Role.ADMIN.value, t.users.c.disabled.is_(False)
        locked = select(t.users.c.id).where(*admins).with_for_update()
        return len(self.conn.execute(locked).all())


class SqlKeyRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add_app_key(self, key: AppKey) -> None:
        self.conn.execute(
            insert(t.app_keys).values(
                id=key.id,
                key_hash=key.key_hash,
                last4=key.last4,
                name=key.name,
                user_id=key.user_id,
                scopes=sorted(s.value for s in key.scopes),
                created_at=key.created_at,
                revoked_at=key.revoked_at,
            )
        )

    def get_app_key(self, key_id: uuid.UUID) -> AppKey:
        row = self.conn.execute(select(t.app_keys).where(t.app_keys.c.id == key_id)).mappings().first()
        if row is None:
            raise NotFound("application key", key_id)
        return app_key_from_row(row)

    def save_app_key(self, key: AppKey) -> None:
        self.conn.execute(
            update(t.app_keys).where(t.app_keys.c.id == key.id).values(revoked_at=key.revoked_at)
        )

    def add_api_key(self, key: ApiKey) -> None:
        self.conn.execute(
            insert(t.api_keys).values(
                id=key.id,
                key_hash=key.key_hash,
                last4=key.last4,
                name=key.name,
                created_by=key.created_by,
                created_at=key.created_at,
                revoked_at=key.revoked_at,
            )
        )


class SqlCaseTypeRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, type_id: uuid.UUID) -> CaseType:
        row = self.conn.execute(_case_type_by_id(), {"type_id": type_id}).mappings().first()
        if row is None:
            raise NotFound("case_type", type_id)
        return case_type_from_row(row)

    def add(self, case_type: CaseType) -> None:
        self.conn.execute(insert(t.case_types).values(**case_type_to_row(case_type)))

    def save(self, case_type: CaseType) -> None:
        self.conn.execute(
            update(t.case_types)
            .where(t.case_types.c.id == case_type.id)
            .values(**case_type_to_row(case_type))
        )


class SqlCustomAttributeRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, type_id: uuid.UUID, config_id: uuid.UUID) -> CustomAttributeConfig:
        cac = t.custom_attribute_configs
        query = select(cac).where(cac.c.id == config_id, cac.c.case_type_id == type_id)
        row = self.conn.execute(query).mappings().first()
        if row is None:
            raise NotFound("custom_attribute", config_id)
        return config_from_row(row)

    def find(self, type_id: uuid.UUID, key: str) -> CustomAttributeConfig | None:
        cac = t.custom_attribute_configs
        query = select(cac).where(cac.c.case_type_id == type_id, cac.c.key == key)
        row = self.conn.execute(query).mappings().first()
        return config_from_row(row) if row else None

    def add(self, config: CustomAttributeConfig) -> None:
        self.conn.execute(insert(t.custom_attribute_configs).values(**config_to_row(config)))

    def save(self, config: CustomAttributeConfig) -> None:
        cac = t.custom_attribute_configs
        self.conn.execute(update(cac).where(cac.c.id == config.id).values(**config_to_row(config)))

    def delete(self, config: CustomAttributeConfig) -> None:
        cac = t.custom_attribute_configs
        self.conn.execute(delete(cac).where(cac.c.id == config.id))

    def in_use(self, config: CustomAttributeConfig) -> bool:
        cv = t.case_custom_values
        query = (
            select(cv.c.case_id)
            .join(t.cases, t.cases.c.id == cv.c.case_id)
            .where(cv.c.key == config.key, t.cases.c.type_id == config.case_type_id)
            .limit(1)
        )
        return self.conn.execute(query).first() is not None


def project_members(
    conn: Connection, project_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
    """Per project, its members and their roles ("member" or "admin")."""
    members: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
    if project_ids:
        for project_id, user_id, role in conn.execute(_members_of(), {"project_ids": list(project_ids)}):
            members.setdefault(project_id, []).append((user_id, role))
    return members


# Statements the request path runs every time, built once: a reused statement keeps its
# SQLAlchemy cache key, which is otherwise worked out again at each execution.


@cache
def _members_of() -> Select[Any]:
    pm = t.project_members.c
    return select(pm.project_id, pm.user_id, pm.role).where(
        pm.project_id.in_(bindparam("project_ids", expanding=True))
    )


@cache
def _live_project_by_id() -> Select[Any]:
    p = t.projects.c
    return select(t.projects).where(p.deleted_at.is_(None), p.id == bindparam("project_id"))


def _as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


@cache
def _live_project_identity_by_id() -> Select[Any]:
    p = t.projects.c
    return select(p.id, p.key).where(p.deleted_at.is_(None), p.id == bindparam("project_id"))


@cache
def _case_type_by_id() -> Select[Any]:
    return select(t.case_types).where(t.case_types.c.id == bindparam("type_id"))


@cache
def _insert_case() -> Insert:
    return insert(t.cases)


@cache
def _update_case() -> Update:
    return update(t.cases).where(t.cases.c.id == bindparam("case_row_id"))


class SqlTimelineRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get_comment(self, case_id: uuid.UUID, cell_id: uuid.UUID) -> CommentCell:
        tl = t.timeline_events
        row = (
            self.conn.execute(
                select(tl).where(
                    tl.c.id == cell_id,
                    tl.c.subject_type == "case",
                    tl.c.subject_id == case_id,
                    tl.c.kind == CaseEvent.COMMENTED.value,
                    tl.c.deleted_at.is_(None),
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound("timeline cell", cell_id)
        on_behalf_of = row["on_behalf_of_id"]
        return CommentCell(
            id=row["id"],
            case_id=case_id,
            author_id=on_behalf_of or row["actor_id"],
            message=str(row["data"].get("message", "")),
            created_at=row["created_at"],
            modified_at=row["modified_at"],
            deleted_at=row["deleted_at"],
            posted_by=row["actor_id"] if on_behalf_of else None,
        )

    def save_comment(self, cell: CommentCell) -> None:
        tl = t.timeline_events
        # Who last edited or deleted the comment stays on its cell, beside the message.
        data: dict[str, Any] = {"message": cell.message}
        if cell.modified_by is not None:
            data["modified_by"] = str(cell.modified_by)
        if cell.deleted_by is not None:
            data["deleted_by"] = str(cell.deleted_by)
        self.conn.execute(
            update(tl)
            .where(tl.c.id == cell.id)
            .values(data=data, modified_at=cell.modified_at, deleted_at=cell.deleted_at)
        )
