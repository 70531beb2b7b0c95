"""The activity feed (`team_case_actions`), read from the case's timeline events.

Each event kind maps to a Tines activity type; kinds Tines has no word for (a retitle, a due
date, a button change...) are left out of the feed. An activity's `id` is the timeline row's
sequence number, which is also the comment id of a `COMMENTED` activity.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from casedesk.domain.cases.closure import priority_word, user_view
from casedesk.domain.events import CaseEvent
from casedesk.domain.vocab import CaseStatus, Priority
from casedesk.entrypoints.api_tines.wire import iso
from casedesk.services.ports.case_queries import Activity, CaseDetail

Doc = dict[str, Any]
Value = Callable[[Activity, CaseDetail], tuple[str, str]]


def _email(bundle: CaseDetail, value: object) -> str:
    try:
        user = bundle.users.get(uuid.UUID(str(value)))
    except ValueError:
        user = None
    return user.email if user else str(value or "")


def _status(activity: Activity, bundle: CaseDetail) -> tuple[str, str]:
    new = str(activity.data.get("new"))
    return "STATUS_UPDATED", "CLOSED" if new == CaseStatus.CLOSED.value else "OPEN"


def _priority(activity: Activity, bundle: CaseDetail) -> tuple[str, str]:
    try:
        word = priority_word(Priority(activity.data.get("new")))
    except ValueError:
        word = None
    return "SEVERITY_UPDATED", word or ""


def _link(kind: str) -> Value:
    def value(activity: Activity, bundle: CaseDetail) -> tuple[str, str]:
        for end in ("parent", "child"):
            entity = activity.data.get(end) or {}
            try:
                other = uuid.UUID(str(entity.get("id")))
            except ValueError:
                continue
            if entity.get("type") == "CASE" and other != bundle.case.id:
                return kind, str(bundle.case_numbers.get(other, entity.get("key", "")))
        return kind, ""

    return value


def _file(activity: Activity, bundle: CaseDetail) -> tuple[str, str]:
    comment = str(activity.data.get("comment") or "")
    if comment:
        return "FILE_ATTACHED_AND_COMMENTED", comment
    return "FILE_ATTACHED", str((activity.data.get("file") or {}).get("filename", ""))


def _joined(key: str) -> Callable[[Activity], str]:
    return lambda a: ", ".join(str(v) for v in a.data.get(key) or [])


def _simple(kind: str, value: Callable[[Activity], str]) -> Value:
    return lambda activity, bundle: (kind, value(activity))


# Keyed by the kinds' stored values, which is what timeline rows hold.
ACTIONS: dict[str, Value] = {
    CaseEvent.CREATED: lambda a, b: ("CREATED", str(b.case.number)),
    CaseEvent.ASSIGNED: lambda a, b: ("ASSIGNED", _email(b, a.data.get("new"))),
    CaseEvent.UNASSIGNED: lambda a, b: ("UNASSIGNED", _email(b, a.data.get("old"))),
    CaseEvent.ASSIGNEE_ADDED: lambda a, b: ("ASSIGNED", _email(b, a.data.get("user_id"))),
    CaseEvent.ASSIGNEE_REMOVED: lambda a, b: ("UNASSIGNED", _email(b, a.data.get("user_id"))),
    CaseEvent.STATUS_CHANGED: _status,
    CaseEvent.PRIORITY_CHANGED: _priority,
    CaseEvent.COMMENTED: _simple("COMMENTED", lambda a: str(a.data.get("message", ""))),
    CaseEvent.TAGS_ADDED: _simple("TAGS_ADDED", _joined("tags")),
    CaseEvent.TAGS_REMOVED: _simple("TAGS_REMOVED", _joined("tags")),
    CaseEvent.RECORDS_ADDED: _simple("RECORD_RESULT_SET_ADDED", _joined("record_ids")),
    CaseEvent.RECORDS_REMOVED: _simple("RECORD_RESULT_SET_REMOVED", _joined("record_ids")),
    CaseEvent.METADATA_CHANGED: _simple("METADATA_UPDATED", _joined("keys")),
    CaseEvent.FILE_ATTACHED: _file,
    CaseEvent.CUSTOM_ATTRIBUTE_CHANGED: _simple("FIELD_UPDATED", lambda a: str(a.data.get("key", ""))),
    CaseEvent.LINKED: _link("LINKED_CASE_ADDED"),
    CaseEvent.UNLINKED: _link("LINKED_CASE_REMOVED"),
}


def action(activity: Activity, bundle: CaseDetail) -> Doc | None:
    mapped = ACTIONS.get(activity.kind)
    if mapped is None:
        return None
    kind, value = mapped(activity, bundle)
    found: Doc = {
        "id": activity.id,
        "action": kind,
        "value": value,
        "user": user_view(activity.actor),
        "created_at": iso(activity.created_at),
    }
    if activity.submitted_by is not None:
        # `user` is the author the request named; this is who made the request for them.
        found["submitted_by"] = user_view(activity.submitted_by)
    return found
