"""Links between a case and another entity; each linked case's timeline records the change."""

from __future__ import annotations

import uuid
from datetime import datetime

from casedesk.domain import commands as c
from casedesk.domain.cases.case import Case
from casedesk.domain.cases.links import CaseLink, Entity, EntityRef, EntityType, check_link_ends
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


def create_link(uow: UnitOfWork, cmd: c.CreateCaseLink, who: Principal, now: datetime) -> uuid.UUID:
    check_link_ends(cmd.parent, cmd.child)
    cases: dict[uuid.UUID, Case] = {}
    ends = {"parent": cmd.parent, "child": cmd.child}
    resolved: dict[str, Entity] = {}
    # Cases are locked in one order whichever way round they are linked, so two requests
    # linking the same two cases in opposite directions queue instead of deadlocking.
    for side in sorted(ends, key=lambda name: str(ends[name].ref)):
        resolved[side] = _resolve(uow, ends[side], side, cases)
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


def delete_link(uow: UnitOfWork, cmd: c.DeleteCaseLink, who: Principal, now: datetime) -> uuid.UUID:
    link = uow.links.get(cmd.link_id)
    cases = []
    for case_id in sorted(link.case_ids):  # the lock order of create_link
        try:
            cases.append(uow.cases.get(CaseRef(id=case_id)))
        except NotFound:
            continue  # nothing left to record the change on
    keys = {case.id: case.key for case in cases}
    for case in cases:
        case.unlinked(link, keys, who.user_id, now)
    uow.links.delete(link)
    return link.id
