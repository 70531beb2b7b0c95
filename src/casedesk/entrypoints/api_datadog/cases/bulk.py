"""Datadog dialect: one action on many cases (`POST /api/v2/cases/bulk`, BulkUpdateCases).

The whole batch is one command: every case changes or none does. The contract declares no
response body (the official client reads none); casedesk answers a small summary, the action
and the UUIDs of the cases in request order, which also resolves keys to ids."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field

from casedesk.domain.cases import commands as c
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import CaseRef, UserRef, parse_uuid
from casedesk.domain.projects.project import KEY_PATTERN
from casedesk.domain.vocab import Priority, TicketSystem
from casedesk.entrypoints.api_datadog.access import CaseWriter as Writer
from casedesk.entrypoints.api_datadog.mapping import status_from_name
from casedesk.entrypoints.api_datadog.wire import Wire
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router()
Doc = dict[str, Any]

BulkActionName = Literal[
    "priority", "status", "assign", "unassign", "archive", "unarchive", "jira", "servicenow", "linear",
    "update_project",
]  # fmt: skip


class BulkAttributes(Wire):
    case_ids: list[str] = Field(min_length=1, max_length=c.BULK_MAX_CASES)
    type: BulkActionName
    payload: dict[str, str] | None = None


class BulkData(Wire):
    type: Literal["bulk"]
    attributes: BulkAttributes


class CaseBulkUpdateRequest(Wire):
    data: BulkData


# -- wire → command ------------------------------------------------------------------------

Change = Callable[[CaseRef], c.CaseCommand[uuid.UUID]]


def _required(payload: dict[str, str], key: str, action: str) -> str:
    value = payload.get(key)
    if value is None or not value.strip():
        raise ValidationFailed(f"payload/{key}", f"the {action} action needs payload member {key!r}")
    return value.strip()


def _priority(payload: dict[str, str]) -> Change:
    text = _required(payload, "priority", "priority")
    try:
        priority = Priority(text.upper())
    except ValueError:
        allowed = ", ".join(p.value for p in Priority)
        raise ValidationFailed(
            "payload/priority", f"invalid priority {text!r}; must be one of {allowed}"
        ) from None
    return lambda ref: c.ChangeCasePriority(ref, priority)


def _status(payload: dict[str, str]) -> Change:
    status = status_from_name(_required(payload, "status", "status"), "payload/status")
    return lambda ref: c.ChangeCaseStatus(ref, status)


def _assign(payload: dict[str, str]) -> Change:
    assignee = UserRef(id=parse_uuid(_required(payload, "assignee_id", "assign"), "payload/assignee_id"))
    return lambda ref: c.AssignCase(ref, assignee)


def _update_project(payload: dict[str, str]) -> Change:
    project = _required(payload, "project_id", "update_project")
    try:
        uuid.UUID(project)
    except ValueError:
        if not KEY_PATTERN.match(project.upper()):
            message = f"{project!r} is neither a project UUID nor a project key like SEC"
            raise ValidationFailed("payload/project_id", message) from None
    return lambda ref: c.MoveCaseToProject(ref, project)


def _send_to(system: TicketSystem) -> Callable[[dict[str, str]], Change]:
    return lambda payload: lambda ref: c.SendCaseToTicketSystem(ref, system)


ACTIONS: dict[str, Callable[[dict[str, str]], Change]] = {
    "priority": _priority,
    "status": _status,
    "assign": _assign,
    "unassign": lambda payload: c.UnassignCase,
    "archive": lambda payload: c.ArchiveCase,
    "unarchive": lambda payload: c.UnarchiveCase,
    "update_project": _update_project,
    # Whether a tracker is set up for the cases is the services' decision.
    **{system.value: _send_to(system) for system in TicketSystem},
}


def bulk_command(attrs: BulkAttributes) -> c.BulkUpdateCases:
    """Checks the action and its payload, then every case id, before anything is looked up."""
    change = ACTIONS[attrs.type](attrs.payload or {})
    refs = [CaseRef.parse(text, f"case_ids/{index}") for index, text in enumerate(attrs.case_ids)]
    return c.BulkUpdateCases(tuple(change(ref) for ref in refs))


# -- route ---------------------------------------------------------------------------------


@router.post("/cases/bulk", name="BulkUpdateCases")
def bulk_update(body: CaseBulkUpdateRequest, ctx: Writer) -> Doc:
    case_ids = ctx.handle(bulk_command(body.data.attributes))
    return {
        "data": {
            "type": "bulk",
            "attributes": {"type": body.data.attributes.type, "case_ids": [str(i) for i in case_ids]},
        }
    }
