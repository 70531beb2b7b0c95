"""Composite changes: many single-case commands in one transaction, all or nothing, each run
by the handler that runs it alone, so every rule, timeline event and outbox row is the same.
A bulk update applies one change to many cases; `ChangeCase` applies many changes to one."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime

from casedesk.domain.cases import commands as c
from casedesk.domain.errors import InvalidTransition, NotFound, ValidationFailed
from casedesk.domain.ids import CaseRef
from casedesk.domain.users import Principal
from casedesk.services.access import author_of
from casedesk.services.ports.uow import UnitOfWork
from casedesk.services.registry import Dispatch

# The single-case changes a bulk update may apply. Each runs through the handler a single
# update uses, so every rule, timeline event and outbox row is the same.
IN_BULK: frozenset[type[c.CaseCommand[uuid.UUID]]] = frozenset(
    {
        c.ChangeCasePriority,
        c.ChangeCaseStatus,
        c.AssignCase,
        c.UnassignCase,
        c.ArchiveCase,
        c.UnarchiveCase,
        c.MoveCaseToProject,
        c.SendCaseToTicketSystem,
    }
)


# What one ChangeCase may hold; the order of the request is kept, except that the status
# change runs last (closure conditions see the case as changed), and the opened/resolved
# stamps after it (a resolution time needs the case closed).
IN_CHANGE: frozenset[type[c.CaseCommand[object]]] = frozenset(
    {
        c.RetitleCase,
        c.DescribeCase,
        c.ChangeCasePriority,
        c.ChangeCaseAssignees,
        c.ChangeCaseTags,
        c.ChangeCaseRecords,
        c.UpdateCaseMetadata,
        c.SetClosureConditions,
        c.ReplaceCaseButtons,
        c.ChangeCaseStatus,
        c.SetCaseTimes,
    }
)
LAST = (c.ChangeCaseStatus, c.SetCaseTimes)


def change_case(
    uow: UnitOfWork, cmd: c.ChangeCase, who: Principal, now: datetime, dispatch: Dispatch
) -> uuid.UUID:
    for change in cmd.changes:
        if type(change) not in IN_CHANGE:
            raise ValidationFailed("type", f"{type(change).__name__} cannot be part of a case change")
        dispatch.authorize(who, change)
    case = uow.cases.get(cmd.case)
    if cmd.author is not None:
        # The changes are recorded as the author's (the caller's scopes and role still apply;
        # the unit of work records the caller as the actor when the author is someone else).
        who = dataclasses.replace(who, user_id=author_of(uow, cmd.author, who))

    def position(change: c.CaseCommand[object]) -> int:
        return LAST.index(type(change)) + 1 if isinstance(change, LAST) else 0

    for change in sorted(cmd.changes, key=position):
        dispatch.run(uow, change, who, now)
    return case.id


def bulk_update(
    uow: UnitOfWork, cmd: c.BulkUpdateCases, who: Principal, now: datetime, dispatch: Dispatch
) -> list[uuid.UUID]:
    """Applies every change; the first refusal refuses the whole batch (the bus then never
    commits). Returns the ids of the cases in request order.

    A refusal names the item: `changes/<index>` for a case that is unknown or whose state
    refuses the change, or the change's own field (e.g. `assignee`) when the value shared by
    every case is wrong. Each dialect's error table says where that is in its request."""
    _check(cmd, who, dispatch)
    ordered = _lock_order(cmd.changes)
    # Every case is loaded (and locked) before anything changes: a change may lock more rows
    # (a move bumps the destination project's counter), and those must come after the cases.
    for index, change in ordered:
        _load(uow, index, change.case)
    done: dict[int, uuid.UUID] = {}
    for index, change in ordered:
        done[index] = _apply(uow, index, change, who, now, dispatch)
    return [done[index] for index in range(len(cmd.changes))]


def _check(cmd: c.BulkUpdateCases, who: Principal, dispatch: Dispatch) -> None:
    count = len(cmd.changes)
    if count == 0:
        raise ValidationFailed("changes", "name at least one case")
    if count > c.BULK_MAX_CASES:
        raise ValidationFailed(
            "changes", f"a bulk update takes at most {c.BULK_MAX_CASES} cases, not {count}"
        )
    kinds = {type(change): change for change in cmd.changes}
    for kind, change in kinds.items():
        if kind not in IN_BULK:
            raise ValidationFailed("type", f"{kind.__name__} cannot be applied in bulk")
        dispatch.authorize(who, change)


def _lock_order(changes: tuple[c.CaseCommand[uuid.UUID], ...]) -> list[tuple[int, c.CaseCommand[uuid.UUID]]]:
    """PostgreSQL takes each case's row lock as the case loads. Loading in one global order
    (UUIDs, then keys, each sorted) keeps two overlapping bulk updates from deadlocking."""
    return sorted(enumerate(changes), key=lambda item: (item[1].case.id is None, str(item[1].case)))


def _load(uow: UnitOfWork, index: int, ref: CaseRef) -> None:
    try:
        uow.cases.get(ref)
    except NotFound:
        raise ValidationFailed(f"changes/{index}", f"case {ref} not found") from None


def _apply(
    uow: UnitOfWork,
    index: int,
    change: c.CaseCommand[uuid.UUID],
    who: Principal,
    now: datetime,
    dispatch: Dispatch,
) -> uuid.UUID:
    try:
        return dispatch.run(uow, change, who, now)
    except NotFound as exc:
        # Something the change names (the destination project of a move) does not exist.
        if exc.resource not in _values_of(change):
            raise
        raise ValidationFailed(exc.resource, f"{exc.resource} {exc.ref} not found") from None
    except ValidationFailed as exc:
        if not isinstance(exc, InvalidTransition) and exc.field in _values_of(change):
            raise
        where = f"changes/{index}"
        raise type(exc)(where, f"{_label(uow, change.case)}: {exc.message}") from None


def _values_of(change: c.CaseCommand[uuid.UUID]) -> set[str]:
    """The fields of the change besides its case: the values every case of the batch shares."""
    return {f.name for f in dataclasses.fields(change)} - {"case"}


def _label(uow: UnitOfWork, ref: CaseRef) -> str:
    """The case's key, which people recognise, also when the request named it by UUID."""
    try:
        return uow.cases.get(ref).key
    except NotFound:
        return str(ref)
