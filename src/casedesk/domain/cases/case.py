"""The Case aggregate: its state, the rules for changing it, and the events each change records.

One model serves every dialect. Assignees are an ordered list whose first is the primary (the
one Datadog shows); tags are the attribute `tags` and change only through `set_tags`; mentions
are detected whenever a description or comment is written; metadata, records, closure
conditions and the opened/resolved stamps change only through their methods, and closure
conditions are checked by `change_status`, so every close obeys them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from casedesk.domain.cases.assignees import assignee_changes
from casedesk.domain.cases.case_types import CaseType
from casedesk.domain.cases.closure import ClosureCondition, ViewSource, check_close, clean_conditions
from casedesk.domain.cases.custom_attributes import CustomAttributeConfig, CustomValueInput
from casedesk.domain.cases.links import CaseLink
from casedesk.domain.cases.mentions import MentionLookup, excerpt, mentioned, newly_mentioned
from casedesk.domain.cases.values import (
    TAGS_KEY,
    Insight,
    added_and_removed,
    clean_attributes,
    clean_comment,
    clean_description,
    clean_metadata,
    clean_record_ids,
    clean_tags,
    clean_title,
    new_insights,
)
from casedesk.domain.errors import InvalidTransition, ValidationFailed
from casedesk.domain.events import CaseEvent, Event
from casedesk.domain.vocab import CaseStatus, Priority, ResolvedReason

# The number of a case opened before its numbers are drawn (real numbers start at 1).
UNNUMBERED = 0


@dataclass
class Case:
    id: uuid.UUID
    number: int
    project_id: uuid.UUID
    key: str
    type_id: uuid.UUID
    title: str
    created_by: uuid.UUID
    created_at: datetime
    description: str = ""
    priority: Priority = Priority.NOT_DEFINED
    status: CaseStatus = CaseStatus.OPEN
    # In order; the first is the primary assignee (`assignee_id`).
    assignee_ids: list[uuid.UUID] = field(default_factory=list)
    modified_by: uuid.UUID | None = None
    modified_at: datetime | None = None
    closed_at: datetime | None = None
    archived_at: datetime | None = None
    due_date: date | None = None
    resolved_reason: ResolvedReason | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)
    custom_attributes: dict[str, Any] = field(default_factory=dict)
    insights: list[Insight] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    record_ids: list[int] = field(default_factory=list)
    closure_conditions: list[ClosureCondition] = field(default_factory=list)
    opened_at: datetime | None = None
    opened_by: uuid.UUID | None = None
    closed_by: uuid.UUID | None = None
    events: list[Event] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def open(
        cls,
        *,
        project_id: uuid.UUID,
        case_type: CaseType,
        title: str,
        description: str,
        priority: Priority,
        status: CaseStatus,
        actor: uuid.UUID,
        now: datetime,
        mentions: MentionLookup,
        assignee_ids: Sequence[uuid.UUID] = (),
        attributes: Mapping[str, list[str]] | None = None,
        metadata: Mapping[str, Any] | None = None,
        closure_conditions: Sequence[ClosureCondition] = (),
        opened_at: datetime | None = None,
        number: int = UNNUMBERED,
        key: str = "",
    ) -> Case:
        """A new case, open or in progress (close it with `change_status`). Its assignees and
        tags are changes of their own, as a feed shows them; metadata, closure conditions and
        the other attributes are part of the creation. Without `number` and `key` it is
        unnumbered until `take_numbers` (drawing them locks the project's numbering)."""
        if case_type.deleted_at is not None:
            raise ValidationFailed("type_id", f"case type {case_type.id} is deleted")
        if status is CaseStatus.CLOSED:
            raise InvalidTransition("status", "a case is opened before it is closed")
        given = clean_attributes(attributes or {})
        tags = given.pop(TAGS_KEY, [])
        case = cls(
            id=uuid.uuid4(),
            number=number,
            project_id=project_id,
            key=key,
            type_id=case_type.id,
            title=clean_title(title),
            description=clean_description(description),
            priority=priority,
            status=status,
            attributes=given,
            metadata=clean_metadata(metadata or {}),
            closure_conditions=clean_conditions(closure_conditions),
            opened_at=opened_at,
            created_by=actor,
            created_at=now,
        )
        data = {"key": key, "title": case.title, "priority": priority.value, "status": status.value}
        first = assignee_ids[0] if assignee_ids else None
        case._record(CaseEvent.CREATED, actor, now, {**data, "assignee_id": str(first) if first else None})
        case.set_assignees(list(assignee_ids), actor, now)
        case.set_tags(tags, actor, now)
        case._mentioned(mentions(mentioned(case.description)), "description", case.description, actor, now)
        return case

    def take_numbers(self, number: int, key: str) -> None:
        """Numbers a case opened unnumbered, its creation's event included."""
        if self.number != UNNUMBERED:
            raise RuntimeError(f"case {self.id} is numbered already")
        self.number, self.key = number, key
        self.events = [
            replace(e, data={**e.data, "key": key}) if e.kind is CaseEvent.CREATED else e for e in self.events
        ]

    # -- status, priority, text ----------------------------------------------------------

    def change_status(
        self,
        status: CaseStatus,
        case_type: CaseType,
        actor: uuid.UUID,
        now: datetime,
        view: ViewSource | None = None,
    ) -> None:
        """`view` presents the case to its closure conditions (see `closure.check_closure`)."""
        if status is self.status:
            return
        if status is CaseStatus.CLOSED:
            check_close(self, case_type, view)
        old, self.status = self.status, status
        self.closed_at = now if status is CaseStatus.CLOSED else None
        # Who resolved the case is kept while it stays closed.
        self.closed_by = actor if status is CaseStatus.CLOSED else None
        self._changed(CaseEvent.STATUS_CHANGED, actor, now, old.value, status.value)

    def change_priority(self, priority: Priority, actor: uuid.UUID, now: datetime) -> None:
        if priority is not self.priority:
            old, self.priority = self.priority, priority
            self._changed(CaseEvent.PRIORITY_CHANGED, actor, now, old.value, priority.value)

    def retitle(self, title: str, actor: uuid.UUID, now: datetime) -> None:
        title = clean_title(title)
        if title != self.title:
            old, self.title = self.title, title
            self._changed(CaseEvent.TITLE_CHANGED, actor, now, old, title)

    def describe(self, description: str, actor: uuid.UUID, now: datetime, mentions: MentionLookup) -> None:
        description = clean_description(description)
        if description != self.description:
            old, self.description = self.description, description
            self._changed(CaseEvent.DESCRIPTION_CHANGED, actor, now, old, description)
            self._mentioned(
                mentions(newly_mentioned(old, description)), "description", description, actor, now
            )

    def comment(self, message: str, actor: uuid.UUID, now: datetime, mentions: MentionLookup) -> Event:
        """Adds a comment; the returned event's id is the comment's timeline cell id."""
        message = clean_comment(message)
        event = self._record(CaseEvent.COMMENTED, actor, now, {"message": message})
        self._mentioned(mentions(mentioned(message)), "comment", message, actor, now)
        return event

    def comment_updated(
        self, cell_id: uuid.UUID, old: str, new: str, actor: uuid.UUID, now: datetime, mentions: MentionLookup
    ) -> None:
        self._record(CaseEvent.COMMENT_UPDATED, actor, now, {"cell_id": str(cell_id), "old": old, "new": new})
        self._mentioned(mentions(newly_mentioned(old, new)), "comment", new, actor, now)

    def comment_deleted(self, cell_id: uuid.UUID, message: str, actor: uuid.UUID, now: datetime) -> None:
        self._record(CaseEvent.COMMENT_DELETED, actor, now, {"cell_id": str(cell_id), "message": message})

    # -- assignees -----------------------------------------------------------------------

    @property
    def assignee_id(self) -> uuid.UUID | None:
        """The primary assignee."""
        return self.assignee_ids[0] if self.assignee_ids else None

    def set_assignees(self, user_ids: list[uuid.UUID], actor: uuid.UUID, now: datetime) -> None:
        """Replaces the assignees; the first becomes the primary (see `assignee_changes`)."""
        self.assignee_ids, changes = assignee_changes(self.assignee_ids, user_ids)
        for kind, data in changes:
            self._record(kind, actor, now, data)

    def assign(self, user_id: uuid.UUID, actor: uuid.UUID, now: datetime) -> None:
        """Makes `user_id` the primary assignee in place of the current one."""
        self.set_assignees([user_id, *(u for u in self.assignee_ids[1:] if u != user_id)], actor, now)

    def unassign(self, actor: uuid.UUID, now: datetime) -> None:
        self.set_assignees([], actor, now)

    # -- attributes, tags, metadata, records, conditions, stamps -------------------------

    @property
    def tags(self) -> list[str]:
        return list(self.attributes.get(TAGS_KEY, []))

    def set_tags(self, tags: Sequence[str], actor: uuid.UUID, now: datetime) -> None:
        wanted = clean_tags(tags)
        added, removed = added_and_removed(self.tags, wanted)
        others = {k: v for k, v in self.attributes.items() if k != TAGS_KEY}
        self.attributes = {**others, TAGS_KEY: wanted} if wanted else others
        if removed:
            self._record(CaseEvent.TAGS_REMOVED, actor, now, {"tags": removed})
        if added:
            self._record(CaseEvent.TAGS_ADDED, actor, now, {"tags": added})

    def set_attributes(self, attributes: Mapping[str, list[str]], actor: uuid.UUID, now: datetime) -> None:
        """Replaces the whole attribute map, as Datadog's endpoint does; its `tags` go through
        `set_tags`, so `attributes_changed` describes the other attributes only."""
        given = clean_attributes(attributes)
        self.set_tags(given.pop(TAGS_KEY, []), actor, now)
        old = {k: v for k, v in self.attributes.items() if k != TAGS_KEY}
        if given != old:
            tags = {TAGS_KEY: self.tags} if self.tags else {}
            self.attributes = {**given, **tags}
            self._changed(CaseEvent.ATTRIBUTES_CHANGED, actor, now, old, given)

    def set_metadata(self, metadata: Mapping[str, Any], actor: uuid.UUID, now: datetime) -> None:
        new = clean_metadata(metadata)
        if new != self.metadata:
            old, self.metadata = self.metadata, new
            changed = sorted(k for k in {*old, *new} if old.get(k, ...) != new.get(k, ...))
            self._record(CaseEvent.METADATA_CHANGED, actor, now, {"old": old, "new": new, "keys": changed})

    def set_records(self, record_ids: Sequence[int], actor: uuid.UUID, now: datetime) -> None:
        wanted = clean_record_ids(record_ids)
        added, removed = added_and_removed(self.record_ids, wanted)
        self.record_ids = wanted
        if removed:
            self._record(CaseEvent.RECORDS_REMOVED, actor, now, {"record_ids": removed})
        if added:
            self._record(CaseEvent.RECORDS_ADDED, actor, now, {"record_ids": added})

    def set_closure_conditions(
        self, conditions: Sequence[ClosureCondition], actor: uuid.UUID, now: datetime
    ) -> None:
        new = clean_conditions(conditions)
        if new != self.closure_conditions:
            old, self.closure_conditions = self.closure_conditions, new
            data = ([c.as_data() for c in old], [c.as_data() for c in new])
            self._changed(CaseEvent.CLOSURE_CONDITIONS_CHANGED, actor, now, *data)

    def set_times(
        self, opened_at: datetime | None, resolved_at: datetime | None, actor: uuid.UUID, now: datetime
    ) -> None:
        """Backdates when the case was opened and (if closed) resolved, as importers do."""
        if resolved_at is not None and self.status is not CaseStatus.CLOSED:
            raise ValidationFailed("resolved_at", "only a closed case has a resolution time")
        old = self._times()
        if opened_at is not None:
            self.opened_at = opened_at
        if resolved_at is not None:
            self.closed_at = resolved_at
        start = self.opened_at or self.created_at
        if self.closed_at is not None and self.closed_at < start:
            raise ValidationFailed("resolved_at", "a case cannot be resolved before it was opened")
        if self._times() != old:
            self._changed(CaseEvent.TIMES_CHANGED, actor, now, old, self._times())

    def set_due_date(self, due: date | None, actor: uuid.UUID, now: datetime) -> None:
        if due != self.due_date:
            old, self.due_date = self.due_date, due
            data = (old.isoformat() if old else None, due.isoformat() if due else None)
            self._changed(CaseEvent.DUE_DATE_CHANGED, actor, now, *data)

    def set_resolved_reason(self, reason: ResolvedReason, actor: uuid.UUID, now: datetime) -> None:
        if reason is not self.resolved_reason:
            old, self.resolved_reason = self.resolved_reason, reason
            data = (old.value if old else None, reason.value)
            self._changed(CaseEvent.RESOLVED_REASON_CHANGED, actor, now, *data)

    def archive(self, actor: uuid.UUID, now: datetime) -> None:
        if self.archived_at is None:
            self.archived_at = now
            self._changed(CaseEvent.ARCHIVED, actor, now, None, now.isoformat())

    def unarchive(self, actor: uuid.UUID, now: datetime) -> None:
        if self.archived_at is not None:
            old, self.archived_at = self.archived_at, None
            self._changed(CaseEvent.UNARCHIVED, actor, now, old.isoformat(), None)

    # -- insights and custom attributes --------------------------------------------------

    def add_insights(self, insights: list[Insight], actor: uuid.UUID, now: datetime) -> None:
        """Adds the insights not already on the case; adding one twice keeps one."""
        added = new_insights(self.insights, insights, now)
        if added:
            self.insights.extend(added)
            self._record(CaseEvent.INSIGHTS_ADDED, actor, now, {"insights": [i.as_data() for i in added]})

    def remove_insights(self, insights: list[Insight], actor: uuid.UUID, now: datetime) -> None:
        gone = {i.identity for i in insights}
        removed = [i for i in self.insights if i.identity in gone]
        if removed:
            self.insights = [i for i in self.insights if i.identity not in gone]
            self._record(CaseEvent.INSIGHTS_REMOVED, actor, now, {"insights": [i.as_data() for i in removed]})

    def set_custom_attribute(
        self, config: CustomAttributeConfig, given: CustomValueInput, actor: uuid.UUID, now: datetime
    ) -> None:
        stored = config.stored(self.type_id, given)
        old = self.custom_attributes.get(config.key)
        if stored != old:
            self.custom_attributes = {**self.custom_attributes, config.key: stored}
            data = {"key": config.key, "old": old, "new": stored}
            self._record(CaseEvent.CUSTOM_ATTRIBUTE_CHANGED, actor, now, data)

    def remove_custom_attribute(self, key: str, actor: uuid.UUID, now: datetime) -> None:
        if key in self.custom_attributes:
            old = self.custom_attributes[key]
            self.custom_attributes = {k: v for k, v in self.custom_attributes.items() if k != key}
            data = {"key": key, "old": old, "new": None}
            self._record(CaseEvent.CUSTOM_ATTRIBUTE_CHANGED, actor, now, data)

    # -- what happens around the case: links, moves, watchers, attachments ---------------

    def linked(self, link: CaseLink, keys: dict[uuid.UUID, str], actor: uuid.UUID, now: datetime) -> None:
        self._record(CaseEvent.LINKED, actor, now, link.as_data(keys))

    def unlinked(self, link: CaseLink, keys: dict[uuid.UUID, str], actor: uuid.UUID, now: datetime) -> None:
        self._record(CaseEvent.UNLINKED, actor, now, link.as_data(keys))

    def incident_linked(
        self, incident_id: uuid.UUID, public_id: int, actor: uuid.UUID, now: datetime
    ) -> None:
        data = {"incident_id": str(incident_id), "public_id": public_id}
        self._record(CaseEvent.INCIDENT_LINKED, actor, now, data)

    def move_to(self, project_id: uuid.UUID, key: str, actor: uuid.UUID, now: datetime) -> None:
        """Joins another project under `key`, a number from that project's counter."""
        old_project, old_key = self.project_id, self.key
        self.project_id, self.key = project_id, key
        data = {"old": old_key, "new": key, "old_project_id": str(old_project)}
        self._record(CaseEvent.MOVED, actor, now, {**data, "new_project_id": str(project_id)})

    def watched(self, user_id: uuid.UUID, actor: uuid.UUID, now: datetime) -> None:
        self._record(CaseEvent.WATCHER_ADDED, actor, now, {"user_id": str(user_id)})

    def unwatched(self, user_id: uuid.UUID, actor: uuid.UUID, now: datetime) -> None:
        self._record(CaseEvent.WATCHER_REMOVED, actor, now, {"user_id": str(user_id)})

    def buttons_changed(self, action: str, button: dict[str, Any], actor: uuid.UUID, now: datetime) -> None:
        self._record(CaseEvent.BUTTONS_CHANGED, actor, now, {"action": action, "button": button})

    def file_attached(self, file: dict[str, Any], comment: str, actor: uuid.UUID, now: datetime) -> Event:
        return self._record(CaseEvent.FILE_ATTACHED, actor, now, {"file": file, "comment": comment})

    def comment_reacted(
        self, comment_id: uuid.UUID, emoji: str, added: bool, actor: uuid.UUID, now: datetime
    ) -> None:
        data = {"cell_id": str(comment_id), "emoji": emoji, "added": added}
        self._record(CaseEvent.COMMENT_REACTED, actor, now, data)

    def deleted(self, actor: uuid.UUID, now: datetime) -> None:
        self._record(CaseEvent.DELETED, actor, now, {"number": self.number, "title": self.title})

    # -- helpers -------------------------------------------------------------------------

    def _times(self) -> dict[str, str | None]:
        return {
            "opened_at": self.opened_at.isoformat() if self.opened_at else None,
            "resolved_at": self.closed_at.isoformat() if self.closed_at else None,
        }

    def _mentioned(
        self, user_ids: list[uuid.UUID], where: str, text: str, actor: uuid.UUID, now: datetime
    ) -> None:
        """`text`: the description or comment that mentions them, as written."""
        if user_ids:
            data = {"user_ids": [str(u) for u in user_ids], "in": where, "excerpt": excerpt(text)}
            self._record(CaseEvent.USERS_MENTIONED, actor, now, data)

    def _changed(self, kind: CaseEvent, actor: uuid.UUID, now: datetime, old: Any, new: Any) -> None:
        self._record(kind, actor, now, {"old": old, "new": new})

    def _record(self, kind: CaseEvent, actor: uuid.UUID, now: datetime, data: dict[str, Any]) -> Event:
        if kind.changes_case:
            self.modified_by = actor
            self.modified_at = now
        event = Event(
            kind=kind,
            subject_type="case",
            subject_id=self.id,
            actor_id=actor,
            at=now,
            data=data,
            appends_timeline=kind.appends_timeline,
        )
        self.events.append(event)
        return event
