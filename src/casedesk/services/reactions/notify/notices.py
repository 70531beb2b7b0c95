"""What a notice says about a case or an incident: its subject (`CASE_FIELDS`,
`INCIDENT_FIELDS`), its thread title, a one-line headline of the change naming who made it,
a link back, and what it means for a paging channel.

Links are `<base_url>/cases/<KEY>` and `<base_url>/incidents/<public id>`, where Datadog's
own pages are. Pages: a case or incident that is created, reopened or (for a case) matches a
rule while open triggers; going In Progress (a case) or stable (an incident) acknowledges;
closing or resolving resolves; a change to a subject that is already acknowledged or closed
pages nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from casedesk.domain.events import CaseEvent, IncidentEvent
from casedesk.domain.incidents.vocab import IncidentState
from casedesk.domain.notifications.notices import PageAction
from casedesk.domain.users import User
from casedesk.domain.vocab import CaseStatus, Priority
from casedesk.services.ports.notify_reads import CaseScene, IncidentScene
from casedesk.services.ports.outbox import OutboxMessage


def person(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": str(user.id), "name": user.name, "email": user.email}


def actor_name(people: Mapping[uuid.UUID, User], actor_id: uuid.UUID | None) -> str:
    """The changer as a notice names them; changes made at the console are casedesk's own."""
    user = people.get(actor_id) if actor_id else None
    return (user.name or user.email) if user else "casedesk"


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def case_url(base_url: str, key: str) -> str:
    return f"{base_url.rstrip('/')}/cases/{key}"


def incident_url(base_url: str, public_id: int) -> str:
    return f"{base_url.rstrip('/')}/incidents/{public_id}"


def case_subject(scene: CaseScene, base_url: str) -> dict[str, Any]:
    case, project = scene.case, scene.project
    assignee = scene.people.get(case.assignee_id) if case.assignee_id else None
    return {
        "id": str(case.id),
        "key": case.key,
        "number": case.number,
        "title": case.title,
        "description": case.description,
        "status": case.status.display_name,
        "status_group": case.status.value.lower(),
        "priority": case.priority.value,
        "type": scene.type_name,
        "project": {"id": str(project.id), "key": project.key, "name": project.name},
        "assignee": person(assignee),
        "tags": list(case.attributes.get("tags", [])),
        "attributes": {k: list(v) for k, v in case.attributes.items()},
        "created_at": _iso(case.created_at),
        "modified_at": _iso(case.modified_at),
        "closed_at": _iso(case.closed_at),
        "url": case_url(base_url, case.key),
    }


def incident_subject(scene: IncidentScene, base_url: str) -> dict[str, Any]:
    incident = scene.incident
    commander = scene.people.get(incident.commander_id) if incident.commander_id else None
    return {
        "id": str(incident.id),
        "public_id": incident.public_id,
        "title": incident.title,
        "state": incident.state.value,
        "severity": incident.severity.value,
        "commander": person(commander),
        "customer_impacted": incident.impact.impacted,
        "fields": {name: data.get("value") for name, data in incident.fields.items()},
        "created_at": _iso(incident.created_at),
        "modified_at": _iso(incident.modified_at),
        "resolved_at": _iso(incident.resolved),
        "url": incident_url(base_url, incident.public_id),
    }


def _status(value: Any) -> str:
    try:
        return CaseStatus(value).display_name
    except ValueError:
        return str(value)


def _who(people: Mapping[uuid.UUID, User], raw: Any) -> str:
    try:
        user = people.get(uuid.UUID(str(raw)))
    except ValueError:
        user = None
    return (user.name or user.email) if user else "someone"


def case_headline(message: OutboxMessage, scene: CaseScene, actor: str) -> str:
    key, data, people = scene.case.key, message.payload, scene.people
    old, new = data.get("old"), data.get("new")
    match message.kind:
        case CaseEvent.CREATED:
            return f"{actor} created {key}: {scene.case.title}"
        case CaseEvent.STATUS_CHANGED:
            return f"{actor} moved {key} from {_status(old)} to {_status(new)}"
        case CaseEvent.PRIORITY_CHANGED:
            return f"{actor} changed the priority of {key} from {old} to {new}"
        case CaseEvent.ASSIGNED:
            return f"{actor} assigned {key} to {_who(people, new)}"
        case CaseEvent.UNASSIGNED:
            return f"{actor} unassigned {_who(people, old)} from {key}"
        case CaseEvent.ASSIGNEE_ADDED:
            return f"{actor} added {_who(people, data.get('user_id'))} as an assignee of {key}"
        case CaseEvent.ASSIGNEE_REMOVED:
            return f"{actor} removed {_who(people, data.get('user_id'))} from the assignees of {key}"
        case CaseEvent.TITLE_CHANGED:
            return f"{actor} renamed {key} to {new}"
        case CaseEvent.COMMENTED:
            return f"{actor} commented on {key}"
        case CaseEvent.USERS_MENTIONED:
            return f"{actor} mentioned you in {key}"
        case CaseEvent.TAGS_ADDED | CaseEvent.TAGS_REMOVED:
            verb = "tagged" if message.kind == CaseEvent.TAGS_ADDED else "untagged"
            return f"{actor} {verb} {key} {', '.join(map(str, data.get('tags', [])))}"
    what = message.kind.removeprefix("case.").replace("_", " ")
    return f"{actor} changed {key} ({what})"


def case_body(message: OutboxMessage) -> str | None:
    """The long text a case notice carries instead of the description: a comment's own
    words, which are what its readers are told of; for a mention, the start of the comment
    or description that mentions them (`domain/cases/mentions.py`, EXCERPT_MAX)."""
    if message.kind == CaseEvent.COMMENTED:
        return str(message.payload.get("message") or "") or None
    if message.kind == CaseEvent.USERS_MENTIONED:
        return str(message.payload.get("excerpt") or "") or None
    return None


def incident_headline(message: OutboxMessage, scene: IncidentScene, actor: str) -> str:
    label, data = f"Incident #{scene.incident.public_id}", message.payload
    match message.kind:
        case IncidentEvent.CREATED:
            return f"{actor} declared {label}: {scene.incident.title}"
        case IncidentEvent.STATE_CHANGED:
            return f"{actor} moved {label} from {data.get('old')} to {data.get('new')}"
        case IncidentEvent.SEVERITY_CHANGED:
            return f"{actor} changed the severity of {label} from {data.get('old')} to {data.get('new')}"
        case IncidentEvent.TITLE_CHANGED:
            return f"{actor} renamed {label} to {data.get('new')}"
    what = message.kind.removeprefix("incident.").replace("_", " ")
    return f"{actor} changed {label} ({what})"


def case_page(message: OutboxMessage, scene: CaseScene) -> PageAction | None:
    if message.kind == CaseEvent.STATUS_CHANGED:
        new = message.payload.get("new")
        if new == CaseStatus.CLOSED.value:
            return PageAction.RESOLVE
        return PageAction.ACKNOWLEDGE if new == CaseStatus.IN_PROGRESS.value else PageAction.TRIGGER
    return PageAction.TRIGGER if scene.case.status is CaseStatus.OPEN else None


def incident_page(message: OutboxMessage, scene: IncidentScene) -> PageAction | None:
    if message.kind == IncidentEvent.STATE_CHANGED:
        new = message.payload.get("new")
        if new in (IncidentState.RESOLVED.value, IncidentState.COMPLETED.value):
            return PageAction.RESOLVE
        return PageAction.ACKNOWLEDGE if new == IncidentState.STABLE.value else PageAction.TRIGGER
    return PageAction.TRIGGER if scene.incident.state is IncidentState.ACTIVE else None


def priority_presence(value: Any) -> bool:
    """Whether a priority value is set (NOT_DEFINED is none)."""
    return value not in (None, "", Priority.NOT_DEFINED.value)
