"""The read side: queries that return read objects, never write. Cases are read here only,
through one query (`search_cases`, and `case` for one), whichever dialect asks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    RowMapping,
    Select,
    and_,
    bindparam,
    func,
    select,
)

from casedesk.adapters.db.access import hidden, outside, restricted, visible, visible_cases
from casedesk.adapters.db.cases import counts as case_counts
from casedesk.adapters.db.cases.filter import compile_predicate
from casedesk.adapters.db.cases.includes import case_row_columns, read_cases
from casedesk.adapters.db.cases.relations import CaseRelationReads
from casedesk.adapters.db.cases.saved_queries import SavedQueryReads
from casedesk.adapters.db.cases.written import WrittenCases
from casedesk.adapters.db.connection_types import ReadConnections
from casedesk.adapters.db.lookups import author_and_submitter, case_id_of, load_users
from casedesk.adapters.db.notification_rules import NotificationRuleReads
from casedesk.adapters.db.repositories import case_ref_clause, project_members
from casedesk.adapters.db.rows import (
    case_type_from_row,
    config_from_row,
    project_from_row,
)
from casedesk.adapters.db.schema import core as t
from casedesk.domain.cases.case_types import CaseType
from casedesk.domain.cases.custom_attributes import CustomAttributeConfig
from casedesk.domain.errors import NotFound
from casedesk.domain.ids import CaseRef
from casedesk.domain.projects.project import Project
from casedesk.domain.users import User
from casedesk.services.ports.access import Visibility
from casedesk.services.ports.case_counts import CaseAggregation, CaseCounts, Facets
from casedesk.services.ports.case_queries import (
    ACTIVITIES_MAX,
    CaseDetail,
    CasePage,
    CaseQuery,
    CaseSort,
    CaseSortField,
    Include,
)
from casedesk.services.ports.uow import TimelineEntry
from casedesk.services.search.predicates import Predicate

# Each sort ends in the case number so pages are stable. The status sort breaks ties by
# creation time first (numbers follow it) so that the (status_rank, created_at) index serves
# it: ordering straight by (status_rank, number) sorted a whole status's rows per page.
C = t.cases.c
SORT_COLUMNS: dict[CaseSortField, tuple[ColumnElement[Any], ...]] = {
    CaseSortField.CREATED: (C.created_at,),
    CaseSortField.UPDATED: (func.coalesce(C.modified_at, C.created_at),),
    CaseSortField.OPENED: (func.coalesce(C.opened_at, C.created_at),),
    CaseSortField.PRIORITY: (C.priority_urgency,),
    CaseSortField.STATUS: (C.status_rank, C.created_at),
}


@dataclass(frozen=True)
class SearchShown:
    """What a search shows: the cases `filter` matches outside the `hidden` projects."""

    filter: Predicate
    hidden: frozenset[uuid.UUID]

    def condition(self) -> ColumnElement[bool]:
        return and_(compile_predicate(self.filter), outside(C.project_id, self.hidden))


# Searches differ mostly in their words; a few hundred kept cover the ones asked again.
@lru_cache(maxsize=512)
def search_statements(
    shown: SearchShown, sort: CaseSort, page_size: int, offset: int, dialect: str
) -> tuple[Select[Any], Select[Any]]:
    """A search's count and page. The same search asked again (a list refreshed, a view or
    an API client polling) reuses the statements built the first time: building them and
    working out their SQLAlchemy cache key costs more than running them on a warm cache.
    Predicates are frozen values, so every search can be a key."""
    condition = shown.condition()
    columns = (*SORT_COLUMNS[sort.field], C.number)
    order = [c.asc() if sort.ascending else c.desc() for c in columns]
    count = select(func.count()).select_from(t.cases).where(condition)
    page = (
        select(*case_row_columns(dialect)).where(condition).order_by(*order).limit(page_size).offset(offset)
    )
    return count, page


class SqlReadModel(CaseRelationReads, SavedQueryReads, NotificationRuleReads):
    def __init__(self, engine: ReadConnections, written: WrittenCases | None = None) -> None:
        """`written`: a request's memory of the cases it wrote, which its read-back of a
        case (by id, nothing included) takes instead of a query."""
        self.engine = engine
        self.written = written

    # -- cases ----------------------------------------------------------------------------

    def case(
        self,
        visibility: Visibility,
        ref: CaseRef,
        include: frozenset[Include] = frozenset(),
        activities_max: int = ACTIVITIES_MAX,
    ) -> CaseDetail:
        if ref.id is not None and not include and self.written is not None:
            written = self.written.recall(ref.id)
            if written is not None:
                return written
        with self.engine.connect() as conn:
            if ref.id is not None:
                # The read-back of every change, with a statement built once.
                by_id = restricted(conn, _case_by_id(conn.dialect.name), C.project_id, visibility)
                row = conn.execute(by_id, {"case_id": ref.id}).mappings().first()
            else:
                query = select(*case_row_columns(conn.dialect.name)).where(
                    case_ref_clause(ref), visible_cases(conn, visibility)
                )
                row = conn.execute(query).mappings().first()
            if row is None:
                raise NotFound("case", ref)
            return read_cases(conn, [row], include, activities_max, visibility)[0]

    def search_cases(self, query: CaseQuery) -> CasePage:
        offset = (max(query.page_number, 1) - 1) * query.page_size
        with self.engine.connect() as conn:
            shown = SearchShown(query.filter, hidden(conn, query.visibility))
            count, page = search_statements(shown, query.sort, query.page_size, offset, conn.dialect.name)
            total = conn.execute(count).scalar_one()
            rows = conn.execute(page).mappings().all()
            cases = read_cases(conn, rows, query.include, query.activities_max, query.visibility)
            return CasePage(cases=tuple(cases), total=int(total))

    def count_cases(
        self, visibility: Visibility, filter: Predicate, facets: Facets, limit: int
    ) -> CaseCounts:
        with self.engine.connect() as conn:
            return case_counts.count_cases(conn, visible_cases(conn, visibility), filter, facets, limit)

    def aggregate_cases(
        self, visibility: Visibility, filter: Predicate, facets: Facets, limit: int
    ) -> CaseAggregation:
        with self.engine.connect() as conn:
            return case_counts.aggregate_cases(conn, visible_cases(conn, visibility), filter, facets, limit)

    def case_timeline(
        self, visibility: Visibility, ref: CaseRef, page_size: int, page_number: int, ascending: bool
    ) -> list[TimelineEntry]:
        tl = t.timeline_events
        with self.engine.connect() as conn:
            case_id = case_id_of(conn, ref, visibility)
            rows = (
                conn.execute(
                    select(tl)
                    .where(tl.c.subject_type == "case", tl.c.subject_id == case_id, tl.c.deleted_at.is_(None))
                    .order_by(tl.c.seq.asc() if ascending else tl.c.seq.desc())
                    .limit(page_size)
                    .offset(max(page_number - 1, 0) * page_size)
                )
                .mappings()
                .all()
            )
            users = load_users(conn, {u for r in rows for u in author_and_submitter(r)})
        return [_timeline_entry(r, users) for r in rows]

    def comment(self, visibility: Visibility, ref: CaseRef, cell_id: uuid.UUID) -> TimelineEntry:
        tl = t.timeline_events
        with self.engine.connect() as conn:
            case_id = case_id_of(conn, ref, visibility)
            row = (
                conn.execute(
                    select(tl).where(
                        tl.c.id == cell_id, tl.c.subject_id == case_id, tl.c.deleted_at.is_(None)
                    )
                )
                .mappings()
                .first()
            )
            if row is None:
                raise NotFound("timeline cell", cell_id)
            users = load_users(conn, author_and_submitter(row))
        return _timeline_entry(row, users)

    def case_types(self) -> list[CaseType]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.case_types).where(t.case_types.c.deleted_at.is_(None)).order_by(t.case_types.c.id)
            ).mappings()
            return [case_type_from_row(r) for r in rows]

    def case_type(self, type_id: uuid.UUID) -> CaseType:
        ct = t.case_types
        with self.engine.connect() as conn:
            row = (
                conn.execute(select(ct).where(ct.c.id == type_id, ct.c.deleted_at.is_(None)))
                .mappings()
                .first()
            )
        if row is None:
            raise NotFound("case_type", type_id)
        return case_type_from_row(row)

    def custom_attribute_configs(self, type_id: uuid.UUID | None) -> list[CustomAttributeConfig]:
        cac, ct = t.custom_attribute_configs, t.case_types
        query = (
            select(cac)
            .join(ct, ct.c.id == cac.c.case_type_id)
            .where(ct.c.deleted_at.is_(None))
            .order_by(cac.c.case_type_id, cac.c.key)
        )
        if type_id is not None:
            self.case_type(type_id)
            query = query.where(cac.c.case_type_id == type_id)
        with self.engine.connect() as conn:
            return [config_from_row(r) for r in conn.execute(query).mappings()]

    def custom_attribute_config(self, type_id: uuid.UUID, config_id: uuid.UUID) -> CustomAttributeConfig:
        cac = t.custom_attribute_configs
        query = select(cac).where(cac.c.id == config_id, cac.c.case_type_id == type_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            raise NotFound("custom_attribute", config_id)
        return config_from_row(row)

    # -- projects and users ---------------------------------------------------------------

    def projects(self, visibility: Visibility) -> list[Project]:
        p = t.projects.c
        with self.engine.connect() as conn:
            rows = (
                conn.execute(
                    select(t.projects)
                    .where(p.deleted_at.is_(None), visible(conn, p.id, visibility))
                    .order_by(p.key)
                )
                .mappings()
                .all()
            )
            members = self._members(conn, [r["id"] for r in rows])
            return [project_from_row(r, members.get(r["id"], [])) for r in rows]

    def project(self, visibility: Visibility, project_id: uuid.UUID) -> Project:
        return self._one_project(visibility, t.projects.c.id == project_id, project_id)

    def project_by_number(self, visibility: Visibility, number: int) -> Project:
        return self._one_project(visibility, t.projects.c.number == number, number)

    def _one_project(self, visibility: Visibility, which: ColumnElement[bool], ref: object) -> Project:
        p = t.projects.c
        with self.engine.connect() as conn:
            query = select(t.projects).where(which, p.deleted_at.is_(None), visible(conn, p.id, visibility))
            row = conn.execute(query).mappings().first()
            if row is None:
                raise NotFound("project", ref)
            return project_from_row(row, self._members(conn, [row["id"]]).get(row["id"], []))

    def favorite_project_ids(self, visibility: Visibility, user_id: uuid.UUID) -> list[uuid.UUID]:
        fav = t.project_favorites
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(fav.c.project_id)
                    .join(t.projects, t.projects.c.id == fav.c.project_id)
                    .where(
                        fav.c.user_id == user_id,
                        t.projects.c.deleted_at.is_(None),
                        visible(conn, t.projects.c.id, visibility),
                    )
                ).scalars()
            )

    def user(self, user_id: uuid.UUID) -> User:
        with self.engine.connect() as conn:
            users = load_users(conn, {user_id})
        if user_id not in users:
            raise NotFound("user", user_id)
        return users[user_id]

    # -- helpers --------------------------------------------------------------------------

    @staticmethod
    def _members(
        conn: Connection, project_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
        return project_members(conn, project_ids)


def _timeline_entry(row: RowMapping, users: dict[uuid.UUID, User]) -> TimelineEntry:
    author_id, submitter_id = author_and_submitter(row)
    return TimelineEntry(
        id=row["id"],
        kind=row["kind"],
        author=users.get(author_id) if author_id else None,
        created_at=row["created_at"],
        modified_at=row["modified_at"],
        data=dict(row["data"]),
        submitted_by=users.get(submitter_id) if submitter_id else None,
    )


@cache
def _case_by_id(dialect: str) -> Select[Any]:
    return select(*case_row_columns(dialect)).where(C.id == bindparam("case_id"))
