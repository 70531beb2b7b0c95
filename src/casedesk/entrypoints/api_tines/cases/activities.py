"""The activity feed (`team_case_actions`), read from the case's timeline events.

Each event kind maps to a Tines activity type; kinds Tines has no word for (a retitle, a due
date, a button change...) are left out of the feed. An activity's `id` is the timeline row's
sequence number, which is also the comment id of a `COMMENTED` activity.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from casedesk.domain import events as ev
from casedesk.domain.cases import mixin as ce
from casedesk.domain.cases.closure import priority_word, user_view
from casedesk.domain.vocab import CaseStatus, Priority
from casedesk.services.ports.case_bundle import Activity, CaseBundle

Doc = dict[str, Any]
Value = Callable[[Activity, CaseBundle], "tuple[str, str] | None"]


def _email(bundle: CaseBundle, value: object) -> str:
    try:
        user = bundle.users.get(uuid.UUID(str(value)))
    except ValueError:
        user = None
    return user.email if user else str(value or "")


def _status(activity: Activity, bundle: CaseBundle) -> tuple[str, str]:
    new = str(activity.data.get("new"))
    return "STATUS_UPDATED", "CLOSED" if new == CaseStatus.CLOSED.value else "OPEN"


def _priority(activity: Activity, bundle: CaseBundle) -> tuple[str, str]:
    try:
        word = priority_word(Priority(activity.data.get("new")))
    except ValueError:
        word = None
    return "SEVERITY_UPDATED", word or ""


def _tags_in_attributes(activity: Activity, bundle: CaseBundle) -> tuple[str, str] | None:
    old = (activity.data.get("old") or {}).get(ce.TAGS_KEY, [])
    new = (activity.data.get("new") or {}).get(ce.TAGS_KEY, [])
    added, removed = [t for t in new if t not in old], [t for t in old if t not in new]
    if added:
        return "TAGS_ADDED", ", ".join(added)
    if removed:
        return "TAGS_REMOVED", ", ".join(removed)
    return None


def _link(kind: str) -> Value:
    def value(activity: Activity, bundle: CaseBundle) -> tuple[str, str]:
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


def _file(activity: Activity, bundle: CaseBundle) -> tuple[str, str]:
    comment = str(activity.data.get("comment") or "")
    if comment:
        return "FILE_ATTACHED_AND_COMMENTED", comment
    return "FILE_ATTACHED", str((activity.data.get("file") or {}).get("filename", ""))


def _joined(key: str) -> Callable[[Activity], str]:
    return lambda a: ", ".join(str(v) for v in a.data.get(key) or [])


def _simple(kind: str, value: Callable[[Activity], str]) -> Value:
    return lambda activity, bundle: (kind, value(activity))


ACTIONS: dict[str, Value] = {
    ev.CASE_CREATED: lambda a, b: ("CREATED", str(b.case.number)),
    ev.CASE_ASSIGNED: lambda a, b: ("ASSIGNED", _email(b, a.data.get("new"))),
    ev.CASE_UNASSIGNED: lambda a, b: ("UNASSIGNED", _email(b, a.data.get("old"))),
    ce.CASE_ASSIGNEE_ADDED: lambda a, b: ("ASSIGNED", _email(b, a.data.get("user_id"))),
    ce.CASE_ASSIGNEE_REMOVED: lambda a, b: ("UNASSIGNED", _email(b, a.data.get("user_id"))),
    ev.CASE_STATUS_CHANGED: _status,
    ev.CASE_PRIORITY_CHANGED: _priority,
    ev.CASE_COMMENTED: _simple("COMMENTED", lambda a: str(a.data.get("message", ""))),
    ce.CASE_TAGS_ADDED: _simple("TAGS_ADDED", _joined("tags")),
    ce.CASE_TAGS_REMOVED: _simple("TAGS_REMOVED", _joined("tags")),
    ev.CASE_ATTRIBUTES_CHANGED: _tags_in_attributes,
    ce.CASE_RECORDS_ADDED: _simple("RECORD_RESULT_SET_ADDED", _joined("record_ids")),
    ce.CASE_RECORDS_REMOVED: _simple("RECORD_RESULT_SET_REMOVED", _joined("record_ids")),
    ce.CASE_METADATA_CHANGED: _simple("METADATA_UPDATED", _joined("keys")),
    ce.CASE_FILE_ATTACHED: _file,
    ev.CASE_CUSTOM_ATTRIBUTE_CHANGED: _simple("FIELD_UPDATED", lambda a: str(a.data.get("key", ""))),
    "case.linked": _link("LINKED_CASE_ADDED"),
    "case.unlinked": _link("LINKED_CASE_REMOVED"),
}


def action(activity: Activity, bundle: CaseBundle) -> Doc | None:
    mapped = ACTIONS.get(activity.kind)
    found = mapped(activity, bundle) if mapped else None
    if found is None:
        return None
    kind, value = found
    return {
        "id": activity.id,
        "action": kind,
        "value": value,
        "user": user_view(activity.actor),
        "created_at": activity.created_at.isoformat().replace("+00:00", "Z"),
    }
