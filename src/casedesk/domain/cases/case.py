"""The Case aggregate: its state, the rules for changing it, and the events each change records."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from casedesk.domain import events as ev
from casedesk.domain.cases.case_types import CaseType
from casedesk.domain.cases.custom_attributes import CustomAttributeConfig, CustomAttributeType
from casedesk.domain.cases.links import CaseLink
from casedesk.domain.cases.mixin import CaseExtras, ClosureCondition, ViewSource
from casedesk.domain.errors import InvalidTransition, ValidationFailed
from casedesk.domain.events import Event
from casedesk.domain.vocab import CaseStatus, InsightType, Priority, ResolvedReason

TITLE_MAX = 500
DESCRIPTION_MAX = 100_000
COMMENT_MAX = 100_000
ATTRIBUTE_KEY_MAX = 100
ATTRIBUTE_VALUES_MAX = 100
ATTRIBUTE_VALUE_LENGTH_MAX = 200
INSIGHTS_MAX = 1000
INSIGHT_REF_MAX = 2000
INSIGHT_RESOURCE_ID_MAX = 500


@dataclass(frozen=True)
class Insight:
    """A reference to a resource the case is about; (type, resource_id) identifies it."""

    type: InsightType
    ref: str
    resource_id: str
    added_at: datetime | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.resource_id.strip() or len(self.resource_id) > INSIGHT_RESOURCE_ID_MAX:
            raise ValidationFailed(
                "resource_id", f"resource_id must be 1 to {INSIGHT_RESOURCE_ID_MAX} characters"
            )
        if len(self.ref) > INSIGHT_REF_MAX:
            raise ValidationFailed("ref", f"ref must be at most {INSIGHT_REF_MAX} characters")

    @property
    def identity(self) -> tuple[InsightType, str]:
        return self.type, self.resource_id

    def as_data(self) -> dict[str, str]:
        return {"type": self.type.value, "ref": self.ref, "resource_id": self.resource_id}


def clean_title(title: str) -> str:
    stripped = title.strip()
    if not stripped:
        raise ValidationFailed("title", "title must not be empty")
    if len(stripped) > TITLE_MAX:
        raise ValidationFailed("title", f"title must be at most {TITLE_MAX} characters")
    return stripped


def clean_description(description: str) -> str:
    if len(description) > DESCRIPTION_MAX:
        raise ValidationFailed("description", f"description must be at most {DESCRIPTION_MAX} characters")
    return description


def clean_comment(message: str) -> str:
    if not message.strip():
        raise ValidationFailed("comment", "comment must not be empty")
    if len(message) > COMMENT_MAX:
        raise ValidationFailed("comment", f"comment must be at most {COMMENT_MAX} characters")
    return message


def refuse_closed_creation(status: CaseStatus) -> None:
    if status is CaseStatus.CLOSED:
        raise ValidationFailed("status", "a case cannot be created closed")


def clean_attributes(attributes: dict[str, list[str]]) -> dict[str, list[str]]:
    cleaned: dict[str, list[str]] = {}
    for key, values in attributes.items():
        if not key.strip() or len(key) > ATTRIBUTE_KEY_MAX:
            raise ValidationFailed(
                "attributes", f"attribute key {key!r} must be 1 to {ATTRIBUTE_KEY_MAX} characters"
            )
        if len(values) > ATTRIBUTE_VALUES_MAX:
            raise ValidationFailed(
                "attributes", f"attribute {key!r} has more than {ATTRIBUTE_VALUES_MAX} values"
            )
        if any(len(value) > ATTRIBUTE_VALUE_LENGTH_MAX for value in values):
            raise ValidationFailed(
                "attributes",
                f"values of attribute {key!r} must be at most {ATTRIBUTE_VALUE_LENGTH_MAX} characters",
            )
        # Order is kept, repeats are dropped: attributes behave like tag sets.
        cleaned[key.strip()] = list(dict.fromkeys(values))
    return cleaned


@dataclass
class Case(CaseExtras):
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
    assignee_id: uuid.UUID | None = None
    modified_by: uuid.UUID | None = None
    modified_at: datetime | None = None
    closed_at: datetime | None = None
    archived_at: datetime | None = None
    due_date: date | None = None
    resolved_reason: ResolvedReason | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)
    custom_attributes: dict[str, Any] = field(default_factory=dict)
    insights: list[Insight] = field(default_factory=list)
    # What Tines also needs (rules in `CaseExtras`).
    co_assignee_ids: list[uuid.UUID] = field(default_factory=list)
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
        number: int,
        project_id: uuid.UUID,
        key: str,
        case_type: CaseType,
        title: str,
        description: str,
        priority: Priority,
        status: CaseStatus,
        assignee_id: uuid.UUID | None,
        attributes: dict[str, list[str]],
        actor: uuid.UUID,
        now: datetime,
    ) -> Case:
        if case_type.deleted_at is not None:
            raise ValidationFailed("type_id", f"case type {case_type.id} is deleted")
        refuse_closed_creation(status)
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
            assignee_id=assignee_id,
            attributes=clean_attributes(attributes),
            created_by=actor,
            created_at=now,
        )
        case._record(
            ev.CASE_CREATED,
            actor,
            now,
            {
                "key": key,
                "title": case.title,
                "priority": priority.value,
                "status": status.value,
                "assignee_id": str(assignee_id) if assignee_id else None,
            },
        )
        return case

    # -- changes -------------------------------------------------------------------------

    def change_status(
        self,
        status: CaseStatus,
        case_type: CaseType,
        actor: uuid.UUID,
        now: datetime,
        view: ViewSource | None = None,
    ) -> None:
        """`view` presents the case to its closure conditions (see `CaseExtras.check_closure`)."""
        if status is self.status:
            return
        if status is CaseStatus.CLOSED:
            self.check_closure(view)
        if (
            status is CaseStatus.CLOSED
            and case_type.requires_resolved_reason
            and self.resolved_reason is None
        ):
            raise InvalidTransition(
                "security_resolved_reason",
                f"a {case_type.name} case cannot be closed without a resolved reason; "
                "set security_resolved_reason first (one of "
                + ", ".join(r.value for r in ResolvedReason)
                + ")",
            )
        old = self.status
        self.status = status
        self.closed_at = now if status is CaseStatus.CLOSED else None
        self.note_status(status, actor, now)
        self._changed(ev.CASE_STATUS_CHANGED, actor, now, old.value, status.value)

    def change_priority(self, priority: Priority, actor: uuid.UUID, now: datetime) -> None:
        if priority is not self.priority:
            old = self.priority
            self.priority = priority
            self._changed(ev.CASE_PRIORITY_CHANGED, actor, now, old.value, priority.value)

    def retitle(self, title: str, actor: uuid.UUID, now: datetime) -> None:
        title = clean_title(title)
        if title != self.title:
            old, self.title = self.title, title
            self._changed(ev.CASE_TITLE_CHANGED, actor, now, old, title)

    def describe(self, description: str, actor: uuid.UUID, now: datetime) -> None:
        description = clean_description(description)
        if description != self.description:
            old, self.description = self.description, description
            self._changed(ev.CASE_DESCRIPTION_CHANGED, actor, now, old, description)

    def assign(self, assignee_id: uuid.UUID, actor: uuid.UUID, now: datetime) -> None:
        if assignee_id != self.assignee_id:
            old, self.assignee_id = self.assignee_id, assignee_id
            self._changed(ev.CASE_ASSIGNED, actor, now, str(old) if old else None, str(assignee_id))

    def unassign(self, actor: uuid.UUID, now: datetime) -> None:
        if self.assignee_id is not None:
            old, self.assignee_id = self.assignee_id, None
            self._changed(ev.CASE_UNASSIGNED, actor, now, str(old), None)
        self.drop_co_assignees(actor, now)

    def archive(self, actor: uuid.UUID, now: datetime) -> None:
        if self.archived_at is None:
            self.archived_at = now
            self._changed(ev.CASE_ARCHIVED, actor, now, None, now.isoformat())

    def unarchive(self, actor: uuid.UUID, now: datetime) -> None:
        if self.archived_at is not None:
            old, self.archived_at = self.archived_at, None
            self._changed(ev.CASE_UNARCHIVED, actor, now, old.isoformat(), None)

    def set_attributes(self, attributes: dict[str, list[str]], actor: uuid.UUID, now: datetime) -> None:
        """Replaces the whole attribute map, as Datadog's endpoint does."""
        attributes = clean_attributes(attributes)
        if attributes != self.attributes:
            old, self.attributes = self.attributes, attributes
            self._changed(ev.CASE_ATTRIBUTES_CHANGED, actor, now, old, attributes)

    def set_due_date(self, due: date | None, actor: uuid.UUID, now: datetime) -> None:
        if due != self.due_date:
            old, self.due_date = self.due_date, due
            self._changed(
                ev.CASE_DUE_DATE_CHANGED,
                actor,
                now,
                old.isoformat() if old else None,
                due.isoformat() if due else None,
            )

    def set_resolved_reason(self, reason: ResolvedReason, actor: uuid.UUID, now: datetime) -> None:
        if reason is not self.resolved_reason:
            old, self.resolved_reason = self.resolved_reason, reason
            self._changed(
                ev.CASE_RESOLVED_REASON_CHANGED,
                actor,
                now,
                old.value if old else None,
                reason.value,
            )

    def add_insights(self, insights: list[Insight], actor: uuid.UUID, now: datetime) -> None:
        """Adds the insights not already on the case; adding one twice keeps one."""
        known = {i.identity for i in self.insights}
        added = []
        for insight in insights:
            if insight.identity not in known:
                known.add(insight.identity)
                added.append(dataclasses.replace(insight, added_at=now))
        if len(self.insights) + len(added) > INSIGHTS_MAX:
            raise ValidationFailed("insights", f"a case holds at most {INSIGHTS_MAX} insights")
        if added:
            self.insights.extend(added)
            self._record(ev.CASE_INSIGHTS_ADDED, actor, now, {"insights": [i.as_data() for i in added]})

    def remove_insights(self, insights: list[Insight], actor: uuid.UUID, now: datetime) -> None:
        gone = {i.identity for i in insights}
        removed = [i for i in self.insights if i.identity in gone]
        if removed:
            self.insights = [i for i in self.insights if i.identity not in gone]
            self._record(ev.CASE_INSIGHTS_REMOVED, actor, now, {"insights": [i.as_data() for i in removed]})

    def set_custom_attribute(
        self,
        config: CustomAttributeConfig,
        type_: CustomAttributeType,
        is_multi: bool,
        value: object,
        actor: uuid.UUID,
        now: datetime,
    ) -> None:
        if config.case_type_id != self.type_id:
            raise ValidationFailed(
                "custom_attribute_key", f"custom attribute {config.key!r} belongs to another case type"
            )
        stored = {
            "type": config.type.value,
            "is_multi": config.is_multi,
            "value": config.check(type_, is_multi, value),
        }
        old = self.custom_attributes.get(config.key)
        if stored != old:
            self.custom_attributes = {**self.custom_attributes, config.key: stored}
            self._record(
                ev.CASE_CUSTOM_ATTRIBUTE_CHANGED, actor, now, {"key": config.key, "old": old, "new": stored}
            )

    def remove_custom_attribute(self, key: str, actor: uuid.UUID, now: datetime) -> None:
        if key in self.custom_attributes:
            old = self.custom_attributes[key]
            self.custom_attributes = {k: v for k, v in self.custom_attributes.items() if k != key}
            self._record(ev.CASE_CUSTOM_ATTRIBUTE_CHANGED, actor, now, {"key": key, "old": old, "new": None})

    def comment(self, message: str, actor: uuid.UUID, now: datetime) -> Event:
        """Adds a comment; the returned event's id is the comment's timeline cell id."""
        message = clean_comment(message)
        return self._record(ev.CASE_COMMENTED, actor, now, {"message": message})

    def comment_updated(
        self, cell_id: uuid.UUID, old: str, new: str, actor: uuid.UUID, now: datetime
    ) -> None:
        self._record(
            ev.CASE_COMMENT_UPDATED,
            actor,
            now,
            {"cell_id": str(cell_id), "old": old, "new": new},
            appends_timeline=False,
        )

    def comment_deleted(self, cell_id: uuid.UUID, message: str, actor: uuid.UUID, now: datetime) -> None:
        self._record(
            ev.CASE_COMMENT_DELETED,
            actor,
            now,
            {"cell_id": str(cell_id), "message": message},
            appends_timeline=False,
        )

    # -- links, watchers, moves ----------------------------------------------------------

    def linked(self, link: CaseLink, keys: dict[uuid.UUID, str], actor: uuid.UUID, now: datetime) -> None:
        self._record(ev.CASE_LINKED, actor, now, link.as_data(keys))

    def unlinked(self, link: CaseLink, keys: dict[uuid.UUID, str], actor: uuid.UUID, now: datetime) -> None:
        self._record(ev.CASE_UNLINKED, actor, now, link.as_data(keys))

    def move_to(self, project_id: uuid.UUID, key: str, actor: uuid.UUID, now: datetime) -> None:
        """Joins another project under `key`, a number from that project's counter."""
        old_project, old_key = self.project_id, self.key
        self.project_id, self.key = project_id, key
        data = {
            "old": old_key,
            "new": key,
            "old_project_id": str(old_project),
            "new_project_id": str(project_id),
        }
        self._record(ev.CASE_MOVED, actor, now, data)

    def watched(self, user_id: uuid.UUID, actor: uuid.UUID, now: datetime) -> None:
        data = {"user_id": str(user_id)}
        self._record(ev.CASE_WATCHER_ADDED, actor, now, data, appends_timeline=False, touches=False)

    def unwatched(self, user_id: uuid.UUID, actor: uuid.UUID, now: datetime) -> None:
        data = {"user_id": str(user_id)}
        self._record(ev.CASE_WATCHER_REMOVED, actor, now, data, appends_timeline=False, touches=False)

    def incident_linked(
        self, incident_id: uuid.UUID, public_id: int, actor: uuid.UUID, now: datetime
    ) -> None:
        self._record(
            "case.incident_linked", actor, now, {"incident_id": str(incident_id), "public_id": public_id}
        )

    # -- helpers -------------------------------------------------------------------------

    def _changed(self, kind: str, actor: uuid.UUID, now: datetime, old: Any, new: Any) -> None:
        self._record(kind, actor, now, {"old": old, "new": new})

    def _record(
        self,
        kind: str,
        actor: uuid.UUID,
        now: datetime,
        data: dict[str, Any],
        *,
        appends_timeline: bool = True,
        touches: bool = True,
    ) -> Event:
        if touches:
            self.modified_by = actor
            self.modified_at = now
        event = Event(
            kind=kind,
            subject_type="case",
            subject_id=self.id,
            actor_id=actor,
            at=now,
            data=data,
            appends_timeline=appends_timeline,
        )
        self.events.append(event)
        return event
