"""Which recorded case events a case notification rule's trigger fires on.

- `CASE_CREATED` ← `case.created`.
- `STATUS_TRANSITIONED` ← `case.status_changed`; `from_status`/`to_status` name a status by
  id (`OPEN`, `IN_PROGRESS`, `CLOSED`, or its group `SG_OPEN` …), `from_status_name`/
  `to_status_name` by name (`Open`, `In Progress`, `Closed`); case does not matter, and an
  end left out is any status.
- `ATTRIBUTE_VALUE_CHANGED` ← the change of the named `field`: `priority`, `status`,
  `title`, `description`, `assignee` (also `assignee_id`, `assignees`), `tags`,
  `due_date`, `resolved_reason` (also `security_resolved_reason`), an attribute
  (`attributes.<key>` or the bare key) or a custom attribute (`custom_attributes.<key>`, or
  the bare key). `change_type` `added` is a value that appears (a first assignee, a tag, an
  attribute value, a priority where there was none), `removed` one that goes, `changed`
  any change of the field; left out, any change.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from casedesk.domain.cases.rules import CaseTrigger, CaseTriggerType, ChangeType
from casedesk.domain.events import CaseEvent
from casedesk.domain.vocab import CaseStatus
from casedesk.services.ports.outbox import OutboxMessage
from casedesk.services.reactions.notify.notices import priority_presence

ALIASES = {
    "assignee_id": "assignee",
    "assignees": "assignee",
    "security_resolved_reason": "resolved_reason",
    "status_name": "status",
}
# Events that change one named field, with the presence test of its values.
SIMPLE = {
    CaseEvent.PRIORITY_CHANGED: "priority",
    CaseEvent.STATUS_CHANGED: "status",
    CaseEvent.TITLE_CHANGED: "title",
    CaseEvent.DESCRIPTION_CHANGED: "description",
    CaseEvent.DUE_DATE_CHANGED: "due_date",
    CaseEvent.RESOLVED_REASON_CHANGED: "resolved_reason",
}
ASSIGNMENTS = {
    CaseEvent.ASSIGNEE_ADDED: ChangeType.ADDED,
    CaseEvent.ASSIGNEE_REMOVED: ChangeType.REMOVED,
    CaseEvent.UNASSIGNED: ChangeType.REMOVED,
}


def _status_is(status: CaseStatus, by_id: str | None, by_name: str | None) -> bool:
    if by_id is not None and by_id.upper() not in (status.value, status.group):
        return False
    names = (status.display_name.lower(), status.value.lower())
    return by_name is None or by_name.lower() in names


def _status(raw: Any) -> CaseStatus | None:
    try:
        return CaseStatus(raw)
    except ValueError:
        return None


def _present(field: str, value: Any) -> bool:
    return priority_presence(value) if field == "priority" else value not in (None, "", [], {})


def _simple(field: str, old: Any, new: Any) -> ChangeType:
    if not _present(field, old):
        return ChangeType.ADDED
    return ChangeType.REMOVED if not _present(field, new) else ChangeType.CHANGED


def field_changes(message: OutboxMessage) -> Iterator[tuple[str, ChangeType]]:
    """(field, how) for every field the event changes; `how` is ADDED, REMOVED or CHANGED
    (CHANGED: neither a value appearing nor one going)."""
    kind, data = message.kind, message.payload
    if kind in SIMPLE:
        field = SIMPLE[CaseEvent(kind)]
        yield field, _simple(field, data.get("old"), data.get("new"))
    elif kind == CaseEvent.ASSIGNED:
        yield "assignee", ChangeType.ADDED if data.get("old") is None else ChangeType.CHANGED
    elif kind in ASSIGNMENTS:
        yield "assignee", ASSIGNMENTS[CaseEvent(kind)]
    elif kind in (CaseEvent.TAGS_ADDED, CaseEvent.TAGS_REMOVED):
        yield "tags", ChangeType.ADDED if kind == CaseEvent.TAGS_ADDED else ChangeType.REMOVED
    elif kind == CaseEvent.CUSTOM_ATTRIBUTE_CHANGED:
        key = str(data.get("key"))
        yield f"custom_attributes.{key}", _simple(key, data.get("old"), data.get("new"))
    elif kind == CaseEvent.ATTRIBUTES_CHANGED:
        old, new = data.get("old") or {}, data.get("new") or {}
        for key in sorted(set(old) | set(new)):
            before, after = set(old.get(key) or []), set(new.get(key) or [])
            if after - before:
                yield f"attributes.{key}", ChangeType.ADDED
            if before - after:
                yield f"attributes.{key}", ChangeType.REMOVED


def _names(field: str) -> set[str]:
    """The names a trigger may give the field an event reports."""
    name = field.lower()
    for prefix in ("attributes.", "custom_attributes."):
        if name.startswith(prefix):
            return {name, name[len(prefix) :]}
    return {name}


def fires(trigger: CaseTrigger, message: OutboxMessage) -> bool:
    data = trigger.data
    match trigger.kind:
        case CaseTriggerType.CASE_CREATED:
            return message.kind == CaseEvent.CREATED
        case CaseTriggerType.STATUS_TRANSITIONED:
            if message.kind != CaseEvent.STATUS_CHANGED:
                return False
            old, new = _status(message.payload.get("old")), _status(message.payload.get("new"))
            if old is None or new is None:
                return False
            return _status_is(old, data.from_status, data.from_status_name) and _status_is(
                new, data.to_status, data.to_status_name
            )
        case CaseTriggerType.ATTRIBUTE_VALUE_CHANGED:
            wanted = (data.field or "").lower()
            wanted = ALIASES.get(wanted, wanted)
            for field, how in field_changes(message):
                if wanted in _names(field) and data.change_type in (None, ChangeType.CHANGED, how):
                    return True
            return False
    return False  # EVENT_CORRELATION_SIGNAL_CORRELATED: casedesk correlates no signals
