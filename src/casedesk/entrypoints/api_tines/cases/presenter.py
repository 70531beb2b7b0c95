"""The Tines case object, rendered from the case query's read objects."""

from __future__ import annotations

import uuid
from typing import Any

from casedesk.domain.cases.closure import priority_word, tag_id, user_view
from casedesk.domain.cases.values import TAGS_KEY
from casedesk.domain.vocab import CaseStatus
from casedesk.entrypoints.api_tines.cases.activities import action
from casedesk.entrypoints.api_tines.mapping import button, case_url
from casedesk.entrypoints.api_tines.wire import iso
from casedesk.services.ports.case_queries import CaseDetail, Include

Doc = dict[str, Any]
# What the case object shows beside the case's own fields.
CASE_INCLUDES = frozenset(
    {Include.PROJECT, Include.ACTIVITIES, Include.BUTTONS, Include.RECORDS, Include.LINKS}
)


def case_document(detail: CaseDetail, base_url: str) -> Doc:
    """Users missing from `detail.users` show only as `{"id": <uuid>}`."""
    case, project = detail.case, detail.project

    def person(user_id: uuid.UUID | None) -> Doc | None:
        if user_id is None:
            return None
        user = detail.users.get(user_id)
        return user_view(user) if user is not None else {"id": str(user_id)}

    closed = case.status is CaseStatus.CLOSED
    actions = [a for a in (action(activity, detail) for activity in detail.activities) if a is not None]
    return {
        "case_id": case.number,
        "name": case.title,
        "description": case.description,
        "status": "CLOSED" if closed else "OPEN",
        "sub_status": {"name": case.status.display_name},
        "url": case_url(base_url, project.number if project else None, case.number),
        "metadata": dict(case.metadata),
        "author": person(case.created_by),
        "opened_by": person(case.opened_by or case.created_by),
        "resolved_by": person(case.closed_by) if closed else None,
        "assignees": [person(u) for u in case.assignee_ids],
        "tags": [{"id": tag_id(tag), "name": tag} for tag in case.attributes.get(TAGS_KEY, [])],
        "team_case_actions": actions,
        "team": {"id": project.number, "name": project.name} if project else None,
        "team_case_buttons": [button(b) for b in detail.buttons],
        "closure_conditions": [dict(c) for c in case.closure_conditions],
        "linked_cases": [linked.number for linked in detail.linked],
        "opened_at": iso(case.opened_at or case.created_at),
        "resolved_at": iso(case.closed_at),
        "created_at": iso(case.created_at),
        "updated_at": iso(case.modified_at or case.created_at),
        "records": [{"id": r.id, "results": [dict(x) for x in r.results]} for r in detail.records],
        "priority": priority_word(case.priority),
    }


def linked_document(detail: CaseDetail) -> Doc:
    return {
        "case_id": detail.case.number,
        "name": detail.case.title,
        "linked_cases": [{"case_id": other.number, "name": other.title} for other in detail.linked],
    }
