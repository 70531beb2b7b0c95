"""Pure translation between the Datadog wire format and the core's commands and objects."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

from casedesk.domain.cases import commands as c
from casedesk.domain.cases.custom_attributes import (
    CustomAttributeType,
    CustomValueInput,
)
from casedesk.domain.cases.values import Insight
from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.events import CaseEvent
from casedesk.domain.ids import CaseRef, UserRef, parse_uuid
from casedesk.domain.projects import commands as pc
from casedesk.domain.projects.project import Project
from casedesk.domain.users import Role, User
from casedesk.domain.vocab import CaseStatus, InsightType, Priority, ResolvedReason
from casedesk.entrypoints.api_datadog import schemas as s
from casedesk.entrypoints.api_datadog.project_settings_mapping import settings_from_wire, settings_to_wire
from casedesk.entrypoints.api_datadog.wire import iso
from casedesk.services.ports.case_queries import CaseDetail, CasePage, CaseSummary
from casedesk.services.ports.uow import TimelineEntry

STATUS_BY_NAME = {status.display_name.lower(): status for status in CaseStatus}


# -- wire → commands ---------------------------------------------------------------------


def status_from_name(name: str, field: str = "status_name") -> CaseStatus:
    status = STATUS_BY_NAME.get(name.strip().lower())
    if status is None:
        try:
            return CaseStatus(name.strip().upper())
        except ValueError:
            allowed = ", ".join(s.display_name for s in CaseStatus)
            raise ValidationFailed(field, f"unknown status {name!r}; use one of {allowed}") from None
    return status


def create_case(body: s.CaseCreateRequest) -> c.CreateCase:
    attrs, rels = body.data.attributes, body.data.relationships
    assignee = rels.assignee.data if rels.assignee is not None else None
    status = status_from_name(attrs.status_name) if attrs.status_name else CaseStatus.OPEN
    if status is CaseStatus.CLOSED:
        # Datadog's rule: a case is created to be worked on (Tines may import closed cases).
        raise ValidationFailed("status", "a case cannot be created closed")
    return c.CreateCase(
        title=attrs.title,
        project=rels.project.data.id,
        type_id=parse_uuid(attrs.type_id, "type_id"),
        description=attrs.description,
        priority=Priority(attrs.priority),
        status=status,
        assignees=(UserRef(id=parse_uuid(assignee.id, "assignees")),) if assignee else (),
        custom_attributes={k: custom_value(v) for k, v in (attrs.custom_attributes or {}).items()},
    )


def custom_value(value: s.CustomAttributeValue) -> CustomValueInput:
    return CustomValueInput(CustomAttributeType(value.type), value.is_multi, value.value)


def insights(body: s.CaseInsightsRequest) -> tuple[Insight, ...]:
    return tuple(
        Insight(type=InsightType(i.type), ref=i.ref, resource_id=i.resource_id)
        for i in body.data.attributes.insights
    )


def change_status(ref: CaseRef, body: s.CaseUpdateStatusRequest) -> c.ChangeCaseStatus:
    attrs = body.data.attributes
    if attrs.status is not None:
        status = CaseStatus(attrs.status)
    elif attrs.status_name is not None:
        status = status_from_name(attrs.status_name)
    else:
        raise ValidationFailed("status", "status or status_name is required")
    return c.ChangeCaseStatus(case=ref, status=status)


def due_date(ref: CaseRef, body: s.CaseUpdateDueDateRequest) -> c.SetCaseDueDate:
    text = body.data.attributes.due_date
    if text is None or not text.strip():
        return c.SetCaseDueDate(case=ref, due_date=None)
    try:
        # A calendar date; a full timestamp is accepted and its date part kept.
        parsed = date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise ValidationFailed("due_date", f"{text!r} is not a date like 2026-12-31") from None
    return c.SetCaseDueDate(case=ref, due_date=parsed)


def resolved_reason(ref: CaseRef, body: s.CaseUpdateResolvedReasonRequest) -> c.SetCaseResolvedReason:
    text = body.data.attributes.security_resolved_reason
    reason = ResolvedReason.parse(text)
    if reason is None:
        allowed = ", ".join(r.value for r in ResolvedReason)
        raise ValidationFailed(
            "security_resolved_reason", f"unknown resolved reason {text!r}; use one of {allowed}"
        )
    return c.SetCaseResolvedReason(case=ref, reason=reason)


def create_project(body: s.ProjectCreateRequest) -> pc.CreateProject:
    attrs = body.data.attributes
    return pc.CreateProject(
        name=attrs.name,
        key=attrs.key,
        handle=attrs.handle,
        enabled_custom_case_types=attrs.enabled_custom_case_types,
        restricted=attrs.restricted,
        member_ids=_member_ids(body.data.relationships) or (),
    )


def update_project(project_id: uuid.UUID, body: s.ProjectUpdateRequest) -> pc.UpdateProject:
    attrs = body.data.attributes
    handle, settings = settings_from_wire(attrs.settings) if attrs.settings is not None else (None, None)
    return pc.UpdateProject(
        project_id=project_id,
        name=attrs.name,
        handle=handle,
        settings=settings,
        enabled_custom_case_types=attrs.enabled_custom_case_types,
        restricted=attrs.restricted,
        member_ids=_member_ids(body.data.relationships),
    )


def _member_ids(relationships: s.ProjectRelationshipsIn | None) -> tuple[uuid.UUID, ...] | None:
    """None when the request does not send `member_user` (the members stay as they are)."""
    if relationships is None or relationships.member_user is None:
        return None
    return tuple(parse_uuid(user.id, "member_user") for user in relationships.member_user.data)


# -- objects → wire ----------------------------------------------------------------------


def user_ref(user_id: uuid.UUID | None) -> dict[str, Any]:
    return {"data": {"id": str(user_id), "type": "user"} if user_id else None}


def case_resource(case: CaseSummary) -> dict[str, Any]:
    return {
        "id": str(case.id),
        "type": "case",
        "attributes": {
            "key": case.key,
            "title": case.title,
            "description": case.description,
            "priority": case.priority.value,
            "status": case.status.value,
            "status_group": case.status.group,
            "status_name": case.status.display_name,
            # The contract's `type` enum only knows STANDARD; `type_id` tells the real type.
            "type": "STANDARD",
            "type_id": str(case.type_id),
            "attributes": case.attributes,
            "custom_attributes": case.custom_attributes,
            "insights": [
                {"type": i.type.value, "ref": i.ref, "resource_id": i.resource_id} for i in case.insights
            ],
            "created_at": iso(case.created_at),
            "modified_at": iso(case.modified_at),
            "closed_at": iso(case.closed_at),
            "archived_at": iso(case.archived_at),
            "due_date": iso(case.due_date),
            "security_resolved_reason": case.resolved_reason.value if case.resolved_reason else None,
            "case_number": case.number,
        },
        "relationships": {
            "created_by": user_ref(case.created_by),
            "modified_by": user_ref(case.modified_by),
            "assignee": user_ref(case.assignee_id),
            "project": {"data": {"id": str(case.project_id), "type": "project"}},
        },
    }


def included_user(user: User) -> dict[str, Any]:
    return {
        "id": str(user.id),
        "type": "user",
        "attributes": {
            "active": not user.disabled,
            "email": user.email,
            "handle": user.handle,
            "name": user.name,
        },
    }


def relationship_users(cases: Iterable[CaseDetail]) -> list[User]:
    """The users the cases' relationships name (creator, last modifier, assignee), each once."""
    found: dict[uuid.UUID, User] = {}
    for detail in cases:
        case = detail.case
        for user_id in (case.created_by, case.modified_by, case.assignee_id):
            if user_id is not None and user_id in detail.users:
                found.setdefault(user_id, detail.users[user_id])
    return list(found.values())


def case_document(detail: CaseDetail) -> dict[str, Any]:
    users = relationship_users([detail])
    return {"data": case_resource(detail.case), "included": [included_user(u) for u in users]}


def case_page(page: CasePage, page_number: int, page_size: int) -> dict[str, Any]:
    return {
        "data": [case_resource(detail.case) for detail in page.cases],
        "included": [included_user(u) for u in relationship_users(page.cases)],
        "meta": {
            "page": {"current": page_number, "size": len(page.cases), "total": -(-page.total // page_size)},
            "total_cases": page.total,
        },
    }


def author(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {
        "type": "USER",
        "content": {"id": str(user.id), "email": user.email, "handle": user.handle, "name": user.name},
    }


# Keyed by the kinds' stored values, which is what timeline rows hold.
CHANGE_SENTENCES: dict[str, str] = {
    CaseEvent.CREATED: "created the case",
    CaseEvent.STATUS_CHANGED: "changed the status",
    CaseEvent.PRIORITY_CHANGED: "changed the priority",
    CaseEvent.TITLE_CHANGED: "changed the title",
    CaseEvent.DESCRIPTION_CHANGED: "changed the description",
    CaseEvent.ASSIGNED: "assigned the case",
    CaseEvent.UNASSIGNED: "unassigned the case",
    CaseEvent.ARCHIVED: "archived the case",
    CaseEvent.UNARCHIVED: "unarchived the case",
    CaseEvent.ATTRIBUTES_CHANGED: "changed the attributes",
    CaseEvent.DUE_DATE_CHANGED: "changed the due date",
    CaseEvent.RESOLVED_REASON_CHANGED: "set the resolved reason",
    CaseEvent.INSIGHTS_ADDED: "added insights",
    CaseEvent.INSIGHTS_REMOVED: "removed insights",
    CaseEvent.CUSTOM_ATTRIBUTE_CHANGED: "changed a custom attribute",
    CaseEvent.LINKED: "linked",
    CaseEvent.UNLINKED: "removed the link",
    CaseEvent.MOVED: "moved the case",
    CaseEvent.ASSIGNEE_ADDED: "added an assignee",
    CaseEvent.ASSIGNEE_REMOVED: "removed an assignee",
    CaseEvent.TAGS_ADDED: "added the tags",
    CaseEvent.TAGS_REMOVED: "removed the tags",
    CaseEvent.METADATA_CHANGED: "changed the metadata",
    CaseEvent.RECORDS_ADDED: "attached records",
    CaseEvent.RECORDS_REMOVED: "detached records",
    CaseEvent.CLOSURE_CONDITIONS_CHANGED: "changed the closure conditions",
    CaseEvent.TIMES_CHANGED: "changed when the case was opened or resolved",
    CaseEvent.BUTTONS_CHANGED: "changed the buttons",
    CaseEvent.FILE_ATTACHED: "attached a file",
    CaseEvent.INCIDENT_LINKED: "linked an incident",
}
# Kinds whose data is not an old → new pair worth spelling out.
SENTENCE_ONLY = frozenset(
    {
        CaseEvent.CREATED, CaseEvent.DESCRIPTION_CHANGED, CaseEvent.ATTRIBUTES_CHANGED,
        CaseEvent.INSIGHTS_ADDED, CaseEvent.INSIGHTS_REMOVED, CaseEvent.ASSIGNEE_ADDED,
        CaseEvent.ASSIGNEE_REMOVED, CaseEvent.METADATA_CHANGED, CaseEvent.CLOSURE_CONDITIONS_CHANGED,
        CaseEvent.TIMES_CHANGED, CaseEvent.BUTTONS_CHANGED, CaseEvent.FILE_ATTACHED,
        CaseEvent.INCIDENT_LINKED,
    }
)  # fmt: skip


def timeline_cell(entry: TimelineEntry) -> dict[str, Any]:
    """The contract's cell type enum only has COMMENT; a change is a cell whose message says
    what changed and whose `event` member carries the kind and the old and new values."""
    if entry.kind == CaseEvent.COMMENTED:
        message = str(entry.data.get("message", ""))
        event = None
    else:
        who = entry.author.name if entry.author else "casedesk"
        message = _change_message(who, entry)
        event = {"kind": entry.kind, **entry.data}
    attributes: dict[str, Any] = {
        "type": "COMMENT",
        "cell_content": {"message": message},
        "created_at": iso(entry.created_at),
    }
    if entry.modified_at is not None:
        attributes["modified_at"] = iso(entry.modified_at)
    if entry.author is not None:
        attributes["author"] = author(entry.author)
    if entry.submitted_by is not None:
        # The author was named by a caller acting on their behalf: who that caller was.
        attributes["submitted_by"] = author(entry.submitted_by)
    if event is not None:
        attributes["event"] = event
    return {"id": str(entry.id), "type": "timeline_cell", "attributes": attributes}


def _change_message(who: str, entry: TimelineEntry) -> str:
    sentence = CHANGE_SENTENCES.get(entry.kind, entry.kind)
    old, new = entry.data.get("old"), entry.data.get("new")
    if entry.kind in SENTENCE_ONLY:
        return f"{who} {sentence}"
    if entry.kind in (CaseEvent.TAGS_ADDED, CaseEvent.TAGS_REMOVED):
        return f"{who} {sentence} " + ", ".join(str(t) for t in entry.data.get("tags") or [])
    if entry.kind in (CaseEvent.RECORDS_ADDED, CaseEvent.RECORDS_REMOVED):
        return f"{who} {sentence} " + ", ".join(str(r) for r in entry.data.get("record_ids") or [])
    if entry.kind == CaseEvent.CUSTOM_ATTRIBUTE_CHANGED:
        return f"{who} {sentence} ({entry.data.get('key')})"
    if entry.kind in (CaseEvent.LINKED, CaseEvent.UNLINKED):
        return f"{who} {sentence} {_link_phrase(entry.data)}"
    if old is None and new is None:
        return f"{who} {sentence}"
    if old is None:
        return f"{who} {sentence} to {new}"
    return f"{who} {sentence} from {old} to {new}"


def _link_phrase(data: dict[str, Any]) -> str:
    """`SEC-1 BLOCKS SEC-2`, or `SEC-1 RELATES_TO INCIDENT <uuid>` for other entities."""

    def end(entity: Any) -> str:
        if not isinstance(entity, dict):
            return "?"
        return str(entity.get("key") or f"{entity.get('type')} {entity.get('id')}")

    return f"{end(data.get('parent'))} {data.get('relationship')} {end(data.get('child'))}"


def project_resource(project: Project) -> dict[str, Any]:
    return {
        "id": str(project.id),
        "type": "project",
        "attributes": {
            "name": project.name,
            "key": project.key,
            "handle": project.handle,
            "restricted": project.restricted,
            "enabled_custom_case_types": project.enabled_custom_case_types,
            "settings": settings_to_wire(project),
            "created_at": iso(project.created_at),
            "modified_at": iso(project.modified_at),
        },
        "relationships": {
            "member_user": {"data": [{"id": str(u), "type": "user"} for u in project.member_ids]},
            "member_team": {"data": []},
        },
    }


def filter_users(users: list[User], text: str | None, status: str | None) -> list[User]:
    """Datadog's ListUsers filters: `filter`, a piece of the name or email; `filter[status]`,
    a comma-separated list of Active and Disabled (Pending never applies here)."""
    if text:
        wanted = text.strip().lower()
        users = [u for u in users if wanted in u.email or wanted in u.name.lower()]
    if status:
        statuses = {part.strip().lower() for part in status.split(",")}
        users = [u for u in users if ("disabled" if u.disabled else "active") in statuses]
    return users


def user_resource(user: User) -> dict[str, Any]:
    return {
        "id": str(user.id),
        "type": "users",
        "attributes": {
            "email": user.email,
            "handle": user.handle,
            "name": user.name,
            "title": user.title,
            "disabled": user.disabled,
            "status": "Disabled" if user.disabled else "Active",
            "verified": True,
            "service_account": False,
            "icon": "",
            "created_at": iso(user.created_at),
            "modified_at": iso(user.modified_at),
        },
        "relationships": {"roles": {"data": [{"id": str(ROLE_IDS[user.role]), "type": "roles"}]}},
    }


# Datadog's three managed roles, one per casedesk role. Their ids are fixed, so a script may
# keep them; Datadog's own ids differ per organisation and are looked up with ListRoles.
ROLE_IDS: dict[Role, uuid.UUID] = {
    Role.ADMIN: uuid.UUID("cd000000-0000-4000-8000-000000000001"),
    Role.STANDARD: uuid.UUID("cd000000-0000-4000-8000-000000000002"),
    Role.READ_ONLY: uuid.UUID("cd000000-0000-4000-8000-000000000003"),
}
ROLE_NAMES: dict[Role, str] = {
    Role.ADMIN: "Datadog Admin Role",
    Role.STANDARD: "Datadog Standard Role",
    Role.READ_ONLY: "Datadog Read Only Role",
}


def role_of(role_id: str) -> Role:
    """The role a Datadog role id names; an unknown one is NotFound (it is in the path)."""
    for role, known in ROLE_IDS.items():
        if str(known) == role_id.strip().lower():
            return role
    raise NotFound("role", role_id)
