"""Bulk case updates: many single-case changes in one transaction, all or nothing."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from casedesk.domain import commands as c
from casedesk.domain.errors import InvalidTransition, NotFound, ValidationFailed
from casedesk.domain.ids import CaseRef
from casedesk.domain.users import Principal
from casedesk.services import authz
from casedesk.services.cases import handlers as cases
from casedesk.services.cases import moves
from casedesk.services.ports.uow import UnitOfWork

CaseHandler = Callable[[UnitOfWork, Any, Principal, datetime], uuid.UUID]

# The single-case changes a bulk update may apply, each through the handler a single update
# uses, so every rule, timeline event and outbox row is the same.
BULK_HANDLERS: dict[type[c.CaseCommand], CaseHandler] = {
    c.ChangeCasePriority: cases.change_priority,
    c.ChangeCaseStatus: cases.change_status,
    c.AssignCase: cases.assign,
    c.UnassignCase: cases.unassign,
    c.ArchiveCase: cases.archive,
    c.UnarchiveCase: cases.unarchive,
    c.MoveCaseToProject: moves.move_case,
}


def bulk_update(uow: UnitOfWork, cmd: c.BulkUpdateCases, who: Principal, now: datetime) -> list[uuid.UUID]:
    """Applies every change; the first refusal refuses the whole batch (the bus then never
    commits). Returns the ids of the cases in request order.

    A refusal names the request item: `case_ids/<index>` for a case that is unknown or whose
    state refuses the change, or the change's own field (e.g. `assignee_id`) when the value
    shared by every case is wrong."""
    _check(cmd, who)
    ordered = _lock_order(cmd.changes)
    # Every case is loaded (and locked) before anything changes: a change may lock more rows
    # (a move bumps the destination project's counter), and those must come after the cases.
    for index, change in ordered:
        _load(uow, index, change.case)
    done: dict[int, uuid.UUID] = {}
    for index, change in ordered:
        done[index] = _apply(uow, index, change, who, now)
    return [done[index] for index in range(len(cmd.changes))]


def _check(cmd: c.BulkUpdateCases, who: Principal) -> None:
    count = len(cmd.changes)
    if count == 0:
        raise ValidationFailed("case_ids", "name at least one case")
    if count > c.BULK_MAX_CASES:
        raise ValidationFailed(
            "case_ids", f"a bulk update takes at most {c.BULK_MAX_CASES} cases, not {count}"
        )
    kinds = {type(change): change for change in cmd.changes}
    for kind, change in kinds.items():
        if kind not in BULK_HANDLERS:
            raise ValidationFailed("type", f"{kind.__name__} cannot be applied in bulk")
        authz.authorize(who, change)


def _lock_order(changes: tuple[c.CaseCommand, ...]) -> list[tuple[int, c.CaseCommand]]:
    """PostgreSQL takes each case's row lock as the case loads. Loading in one global order
    (UUIDs, then keys, each sorted) keeps two overlapping bulk updates from deadlocking."""
    return sorted(enumerate(changes), key=lambda item: (item[1].case.id is None, str(item[1].case)))


def _load(uow: UnitOfWork, index: int, ref: CaseRef) -> None:
    try:
        uow.cases.get(ref)
    except NotFound:
        raise ValidationFailed(f"case_ids/{index}", f"case {ref} not found") from None


def _apply(uow: UnitOfWork, index: int, change: c.CaseCommand, who: Principal, now: datetime) -> uuid.UUID:
    try:
        return BULK_HANDLERS[type(change)](uow, change, who, now)
    except NotFound as exc:
        # Something the change names (the destination project of a move) does not exist.
        if exc.resource not in _values_of(change):
            raise
        raise ValidationFailed(exc.resource, f"{exc.resource} {exc.ref} not found") from None
    except ValidationFailed as exc:
        if not isinstance(exc, InvalidTransition) and exc.field in _values_of(change):
            raise
        where = f"case_ids/{index}"
        raise type(exc)(where, f"{_label(uow, change.case)}: {exc.message}") from None


def _values_of(change: c.CaseCommand) -> set[str]:
    """The fields of the change besides its case: the values every case of the batch shares."""
    return {f.name for f in dataclasses.fields(change)} - {"case"}


def _label(uow: UnitOfWork, ref: CaseRef) -> str:
    """The case's key, which people recognise, also when the request named it by UUID."""
    try:
        return uow.cases.get(ref).key
    except NotFound:
        return str(ref)
