"""Links between a case and another entity; each linked case's timeline records the change."""

from __future__ import annotations

import uuid
from datetime import datetime

from casedesk.domain.cases.case import Case
from casedesk.domain.cases.links import (
    CaseLink,
    CreateCaseLink,
    DeleteCaseLink,
    Entity,
    EntityRef,
    EntityType,
    Relationship,
    check_link_ends,
)
from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.ids import CaseRef
from casedesk.domain.users import Principal
from casedesk.services.ports.uow import UnitOfWork


def _resolve(uow: UnitOfWork, end: EntityRef, side: str, cases: dict[uuid.UUID, Case]) -> Entity:
    if isinstance(end.ref, uuid.UUID):
        return Entity(end.type, end.ref)
    try:
        case = uow.cases.get(end.ref)
    except NotFound:
        raise NotFound(f"{side} case", end.ref) from None
    cases[case.id] = case
    return Entity(EntityType.CASE, case.id)


def create_link(uow: UnitOfWork, cmd: CreateCaseLink, who: Principal, now: datetime) -> uuid.UUID:
    check_link_ends(cmd.parent, cmd.child)
    cases: dict[uuid.UUID, Case] = {}
    ends = {"parent": cmd.parent, "child": cmd.child}
    resolved: dict[str, Entity] = {}
    # Cases are locked in one order whichever way round they are linked, so two requests
    # linking the same two cases in opposite directions queue instead of deadlocking.
    missing: dict[str, NotFound] = {}
    for side in sorted(ends, key=lambda name: str(ends[name].ref)):
        try:
            resolved[side] = _resolve(uow, ends[side], side, cases)
        except NotFound as exc:
            missing[side] = exc
    # Which unknown end is named must not depend on the lock order: the parent first.
    for side in ends:
        if side in missing:
            raise missing[side]
    if cmd.exists_ok:
        already = links_between(uow, resolved["parent"], resolved["child"])
        if already:
            return already[0]
    link = CaseLink.create(
        parent=resolved["parent"],
        child=resolved["child"],
        relationship=cmd.relationship,
        actor=who.user_id,
        now=now,
    )
    for edge_parent, edge_child in link.equivalent_edges():
        existing = uow.links.find(edge_parent, edge_child, link.relationship)
        if existing is not None:
            raise ValidationFailed(
                "relationship",
                f"these entities are already linked with {link.relationship.value} (link {existing.id})",
            )
    keys = {case.id: case.key for case in cases.values()}
    for case in cases.values():
        case.linked(link, keys, who.user_id, now)
    uow.links.add(link)
    return link.id


def delete_link(uow: UnitOfWork, cmd: DeleteCaseLink, who: Principal, now: datetime) -> uuid.UUID:
    """Returns the link's id; for `between`, the first of the links deleted."""
    if cmd.between is not None:
        return _delete_between(uow, *cmd.between, who, now)
    assert cmd.link_id is not None  # the command names a link or two cases
    link = uow.links.get(cmd.link_id)
    _delete(uow, link, who, now)
    return link.id


def _delete_between(
    uow: UnitOfWork, one: CaseRef, other: CaseRef, who: Principal, now: datetime
) -> uuid.UUID:
    first = uow.cases.get(one)
    try:
        second = uow.cases.get(other)
    except NotFound:
        raise NotFound("linked case", other) from None
    found = links_between(uow, Entity(EntityType.CASE, first.id), Entity(EntityType.CASE, second.id))
    if not found:
        raise ValidationFailed("link", f"case {other} is not linked to this case")
    for link_id in found:
        _delete(uow, uow.links.get(link_id), who, now)
    return found[0]


def links_between(uow: UnitOfWork, a: Entity, b: Entity) -> list[uuid.UUID]:
    """Every link between the two, whatever its relationship or direction."""
    found: list[uuid.UUID] = []
    for relationship in Relationship:
        for parent, child in ((a, b), (b, a)):
            link = uow.links.find(parent, child, relationship)
            if link is not None and link.id not in found:
                found.append(link.id)
    return found


def _delete(uow: UnitOfWork, link: CaseLink, who: Principal, now: datetime) -> None:
    cases = []
    for case_id in sorted(link.case_ids):  # the lock order of create_link
        try:
            cases.append(uow.cases.get(CaseRef(id=case_id)))
        except NotFound:
            # Deleting a case deletes its links, so a case end not found is one the caller may
            # not see: so is the link.
            raise NotFound("link", link.id) from None
    keys = {case.id: case.key for case in cases}
    for case in cases:
        case.unlinked(link, keys, who.user_id, now)
    uow.links.delete(link)
