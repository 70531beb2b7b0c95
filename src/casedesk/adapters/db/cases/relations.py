"""Links, watchers and old keys of cases: their repositories and their reads."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, RowMapping, and_, delete, insert, or_, select, union

from casedesk.adapters.db.access import hidden
from casedesk.adapters.db.connection_types import ReadConnections
from casedesk.adapters.db.lookups import case_id_of
from casedesk.adapters.db.schema import core as t
from casedesk.domain.cases.links import CaseLink, Entity, EntityRef, EntityType, Relationship
from casedesk.domain.errors import NotFound
from casedesk.domain.ids import CaseRef
from casedesk.services.ports.access import Visibility

L = t.case_links.c


def link_from_row(row: RowMapping) -> CaseLink:
    return CaseLink(
        id=row["id"],
        parent=Entity(EntityType(row["parent_entity_type"]), uuid.UUID(row["parent_entity_id"])),
        child=Entity(EntityType(row["child_entity_type"]), uuid.UUID(row["child_entity_id"])),
        relationship=Relationship(row["relationship"]),
        created_by=row["created_by"],
        created_at=row["created_at"],
    )


def link_to_row(link: CaseLink) -> dict[str, Any]:
    return {
        "id": link.id,
        "parent_entity_type": link.parent.type.value,
        "parent_entity_id": str(link.parent.id),
        "child_entity_type": link.child.type.value,
        "child_entity_id": str(link.child.id),
        "relationship": link.relationship.value,
        "created_by": link.created_by,
        "created_at": link.created_at,
    }


class SqlLinkRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, link_id: uuid.UUID) -> CaseLink:
        row = self.conn.execute(select(t.case_links).where(L.id == link_id)).mappings().first()
        if row is None:
            raise NotFound("link", link_id)
        return link_from_row(row)

    def find(self, parent: Entity, child: Entity, relationship: Relationship) -> CaseLink | None:
        query = select(t.case_links).where(
            L.parent_entity_type == parent.type.value,
            L.parent_entity_id == str(parent.id),
            L.child_entity_type == child.type.value,
            L.child_entity_id == str(child.id),
            L.relationship == relationship.value,
        )
        row = self.conn.execute(query).mappings().first()
        return link_from_row(row) if row else None

    def add(self, link: CaseLink) -> None:
        self.conn.execute(insert(t.case_links).values(**link_to_row(link)))

    def delete(self, link: CaseLink) -> None:
        self.conn.execute(delete(t.case_links).where(L.id == link.id))

    def linked_case_numbers(self, case_id: uuid.UUID) -> list[int]:
        me = str(case_id)
        as_parent = select(L.child_entity_id.label("other")).where(
            L.parent_entity_type == "CASE", L.parent_entity_id == me, L.child_entity_type == "CASE"
        )
        as_child = select(L.parent_entity_id.label("other")).where(
            L.child_entity_type == "CASE", L.child_entity_id == me, L.parent_entity_type == "CASE"
        )
        others = {uuid.UUID(o) for o in self.conn.execute(union(as_parent, as_child)).scalars()}
        if not others:
            return []
        query = select(t.cases.c.number).where(t.cases.c.id.in_(others)).order_by(t.cases.c.number)
        return [int(n) for n in self.conn.execute(query).scalars()]


class SqlWatcherRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    @staticmethod
    def _match(case_id: uuid.UUID, user_id: uuid.UUID) -> ColumnElement[bool]:
        w = t.case_watchers.c
        return and_(w.case_id == case_id, w.user_id == user_id)

    def watching(self, case_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        query = select(t.case_watchers.c.user_id).where(self._match(case_id, user_id))
        return self.conn.execute(query).first() is not None

    def add(self, case_id: uuid.UUID, user_id: uuid.UUID, now: datetime) -> None:
        self.conn.execute(insert(t.case_watchers).values(case_id=case_id, user_id=user_id, created_at=now))

    def remove(self, case_id: uuid.UUID, user_id: uuid.UUID) -> None:
        self.conn.execute(delete(t.case_watchers).where(self._match(case_id, user_id)))


class SqlCaseKeyAliasRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, key: str, case_id: uuid.UUID) -> None:
        self.conn.execute(insert(t.case_key_aliases).values(key=key, case_id=case_id))


class CaseRelationReads:
    """The read model's queries over links and watchers."""

    engine: ReadConnections

    def case_links(
        self, visibility: Visibility, entity: EntityRef, relationship: Relationship | None
    ) -> list[CaseLink]:
        with self.engine.connect() as conn:
            ref = entity.ref
            entity_id = case_id_of(conn, ref, visibility) if isinstance(ref, CaseRef) else ref
            kind, ident = entity.type.value, str(entity_id)
            query = select(t.case_links).where(
                or_(
                    and_(L.parent_entity_type == kind, L.parent_entity_id == ident),
                    and_(L.child_entity_type == kind, L.child_entity_id == ident),
                )
            )
            if relationship is not None:
                query = query.where(L.relationship == relationship.value)
            rows = conn.execute(query.order_by(L.created_at, L.id)).mappings()
            links = [link_from_row(r) for r in rows]
            hidden = _hidden_cases(conn, links, visibility)
            return [link for link in links if not _names_any(link, hidden)]

    def case_link(self, visibility: Visibility, link_id: uuid.UUID) -> CaseLink:
        with self.engine.connect() as conn:
            link = SqlLinkRepository(conn).get(link_id)
            if _names_any(link, _hidden_cases(conn, [link], visibility)):
                raise NotFound("link", link_id)
            return link


def _case_ends(links: list[CaseLink]) -> set[uuid.UUID]:
    return {end.id for link in links for end in (link.parent, link.child) if end.type is EntityType.CASE}


def _hidden_cases(conn: Connection, links: list[CaseLink], visibility: Visibility) -> set[uuid.UUID]:
    """The cases at the links' ends that the caller may not see (no query when none is hidden)."""
    ends = _case_ends(links)
    projects = hidden(conn, visibility) if ends else frozenset()
    if not projects:
        return set()
    c = t.cases.c
    query = select(c.id).where(c.id.in_(ends), c.project_id.in_(sorted(projects)))
    return set(conn.execute(query).scalars())


def _names_any(link: CaseLink, cases: set[uuid.UUID]) -> bool:
    return bool(cases) and bool(_case_ends([link]) & cases)
