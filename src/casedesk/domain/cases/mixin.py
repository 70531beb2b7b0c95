"""What a case holds beyond Datadog's model, as Tines needs it: several assignees, tags,
metadata, attached records, closure conditions, and who opened and resolved it.

`Case` inherits these rules from `CaseExtras`; the state lives on `Case` itself (its dataclass
fields), so the repositories load and save it with everything else.

Choices the two dialects share:

- **Priority words.** Tines' five words sit on the domain's scale: critical=P1, high=P2,
  medium=P3, low=P4, info=P5. `NOT_DEFINED` has no word (Tines shows `null`).
- **Tags** are the values of the case attribute `tags`, so Datadog shows them under
  `attributes.tags`, and `tags:login` searches them in both dialects. A tag's `id` is derived
  from its name (the same tag has the same id on every case), as there is no tag table.
- **Assignees.** `assignee_id` is the first assignee (the one Datadog shows); the others are
  `co_assignee_ids`, in order. Unassigning in Datadog removes everyone.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from casedesk.domain import events as ev
from casedesk.domain.cases.closure import case_view
from casedesk.domain.errors import InvalidTransition, ValidationFailed
from casedesk.domain.events import Event
from casedesk.domain.formulas import parser as formulas
from casedesk.domain.vocab import CaseStatus, Priority

if TYPE_CHECKING:
    pass

TAGS_KEY = "tags"
TAGS_MAX = 100
TAG_MAX = 200
METADATA_KEYS_MAX = 100
METADATA_KEY_MAX = 200
METADATA_VALUE_MAX = 10_000  # characters of the value as JSON
CONDITIONS_MAX = 50
CONDITION_NAME_MAX = 200
ASSIGNEES_MAX = 50
RECORDS_MAX = 1000

# Event kinds (stable: stored, sent to receivers and read back as Tines activities).
CASE_ASSIGNEE_ADDED = "case.assignee_added"
CASE_ASSIGNEE_REMOVED = "case.assignee_removed"
CASE_TAGS_ADDED = "case.tags_added"
CASE_TAGS_REMOVED = "case.tags_removed"
CASE_METADATA_CHANGED = "case.metadata_changed"
CASE_RECORDS_ADDED = "case.records_added"
CASE_RECORDS_REMOVED = "case.records_removed"
CASE_CLOSURE_CONDITIONS_CHANGED = "case.closure_conditions_changed"
CASE_TIMES_CHANGED = "case.times_changed"
CASE_BUTTONS_CHANGED = "case.buttons_changed"
CASE_FILE_ATTACHED = "case.file_attached"
CASE_FILE_DELETED = "case.file_deleted"
CASE_COMMENT_REACTED = "case.comment_reacted"
CASE_DELETED = "case.deleted"
# Outbox only: the users a description or comment mentions, for the worker to notify.
CASE_USERS_MENTIONED = "case.users_mentioned"

# `<@user-2435>` (Tines' user number) or `<@user-<uuid>>`.
MENTION = re.compile(
    r"<@user-([0-9]{1,18}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})>"
)
MENTIONS_MAX = 50


def mentions(text: str) -> tuple[list[int], list[uuid.UUID]]:
    """The user numbers and user ids mentioned in `text`, each once, at most MENTIONS_MAX."""
    numbers: list[int] = []
    ids: list[uuid.UUID] = []
    for match in MENTION.finditer(text):
        ref = match.group(1)
        if ref.isdigit():
            numbers.append(int(ref))
        else:
            ids.append(uuid.UUID(ref))
    return list(dict.fromkeys(numbers))[:MENTIONS_MAX], list(dict.fromkeys(ids))[:MENTIONS_MAX]


# -- values ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosureCondition:
    """`formula` must hold (be truthy) before the case may close; it is parsed on creation,
    so a condition that does not parse is refused when the case is written."""

    name: str
    formula: str

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.name) > CONDITION_NAME_MAX:
            raise ValidationFailed(
                "closure_conditions", f"a condition's name must be 1 to {CONDITION_NAME_MAX} characters"
            )
        try:
            formulas.parse(self.formula)
        except formulas.FormulaError as exc:
            raise ValidationFailed(
                "closure_conditions", f"condition {self.name!r}: formula does not parse: {exc}"
            ) from None

    def failure(self, view: Mapping[str, Any]) -> str | None:
        """None when the condition holds; otherwise why not."""
        try:
            if formulas.parse(self.formula).holds({"team_case": view}):
                return None
        except formulas.FormulaError as exc:
            return f"{self.name} ({exc})"
        return self.name

    def as_data(self) -> dict[str, str]:
        return {"name": self.name, "formula": self.formula}


class ClosureRefused(InvalidTransition):
    """The case may not close while the `failing` conditions are false. Constructed like any
    ValidationFailed, so callers that re-raise refusals with another field keep the type."""

    def __init__(self, field: str, message: str, failing: list[ClosureCondition] | None = None) -> None:
        super().__init__(field, message)
        self.failing = failing or []


def clean_conditions(conditions: Iterable[ClosureCondition]) -> list[ClosureCondition]:
    cleaned = list(conditions)
    if len(cleaned) > CONDITIONS_MAX:
        raise ValidationFailed("closure_conditions", f"a case holds at most {CONDITIONS_MAX} conditions")
    return cleaned


def clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        name = tag.strip()
        if not name or len(name) > TAG_MAX:
            raise ValidationFailed("tag_names", f"a tag name must be 1 to {TAG_MAX} characters")
        if name not in cleaned:
            cleaned.append(name)
    if len(cleaned) > TAGS_MAX:
        raise ValidationFailed("tag_names", f"a case holds at most {TAGS_MAX} tags")
    return cleaned


def clean_metadata(metadata: Mapping[str, Any], field: str = "metadata") -> dict[str, Any]:
    if len(metadata) > METADATA_KEYS_MAX:
        raise ValidationFailed(field, f"metadata holds at most {METADATA_KEYS_MAX} keys")
    for key, value in metadata.items():
        if not key.strip() or len(key) > METADATA_KEY_MAX:
            raise ValidationFailed(
                field, f"metadata key {key[:40]!r} must be 1 to {METADATA_KEY_MAX} characters"
            )
        if len(json.dumps(value)) > METADATA_VALUE_MAX:
            raise ValidationFailed(field, f"metadata value of {key!r} is longer than {METADATA_VALUE_MAX}")
    return dict(metadata)


def clean_record_ids(record_ids: Iterable[int], field: str = "record_ids") -> list[int]:
    cleaned = list(dict.fromkeys(record_ids))
    if any(r <= 0 for r in cleaned):
        raise ValidationFailed(field, "record ids are positive integers")
    if len(cleaned) > RECORDS_MAX:
        raise ValidationFailed(field, f"a case holds at most {RECORDS_MAX} records")
    return cleaned


# -- the rules ---------------------------------------------------------------------------

ViewSource = Callable[[], Mapping[str, Any]]


class CaseExtras:
    """Rules over the extra state of `Case`; see the module docstring."""

    if TYPE_CHECKING:
        id: uuid.UUID
        number: int
        title: str
        description: str
        priority: Priority
        status: CaseStatus
        assignee_id: uuid.UUID | None
        created_by: uuid.UUID
        created_at: datetime
        modified_at: datetime | None
        closed_at: datetime | None
        attributes: dict[str, list[str]]
        metadata: dict[str, Any]
        closure_conditions: list[ClosureCondition]
        co_assignee_ids: list[uuid.UUID]
        record_ids: list[int]
        opened_at: datetime | None
        opened_by: uuid.UUID | None
        closed_by: uuid.UUID | None

        def _record(
            self,
            kind: str,
            actor: uuid.UUID,
            now: datetime,
            data: dict[str, Any],
            *,
            appends_timeline: bool = True,
            touches: bool = True,
        ) -> Event: ...

        def _changed(self, kind: str, actor: uuid.UUID, now: datetime, old: Any, new: Any) -> None: ...

        def assign(self, assignee_id: uuid.UUID, actor: uuid.UUID, now: datetime) -> None: ...

    # -- assignees -----------------------------------------------------------------------

    @property
    def assignee_ids(self) -> list[uuid.UUID]:
        first = [self.assignee_id] if self.assignee_id else []
        return first + [u for u in self.co_assignee_ids if u != self.assignee_id]

    def set_assignees(self, user_ids: list[uuid.UUID], actor: uuid.UUID, now: datetime) -> None:
        """Replaces the assignees; the first becomes the one Datadog shows."""
        wanted = list(dict.fromkeys(user_ids))
        if len(wanted) > ASSIGNEES_MAX:
            raise ValidationFailed("assignee_emails", f"a case has at most {ASSIGNEES_MAX} assignees")
        current, old_first = self.assignee_ids, self.assignee_id
        new_first = wanted[0] if wanted else None
        if new_first is not None and new_first != old_first:
            self.assign(new_first, actor, now)
        elif new_first is None and old_first is not None:
            self.assignee_id = None
            self._changed(ev.CASE_UNASSIGNED, actor, now, str(old_first), None)
        self.co_assignee_ids = wanted[1:]
        for user_id in current:
            if user_id not in wanted and not (user_id == old_first and new_first is None):
                self._record(CASE_ASSIGNEE_REMOVED, actor, now, {"user_id": str(user_id)})
        for user_id in wanted[1:]:
            if user_id not in current:
                self._record(CASE_ASSIGNEE_ADDED, actor, now, {"user_id": str(user_id)})

    def drop_co_assignees(self, actor: uuid.UUID, now: datetime) -> None:
        for user_id in self.co_assignee_ids:
            self._record(CASE_ASSIGNEE_REMOVED, actor, now, {"user_id": str(user_id)})
        self.co_assignee_ids = []

    # -- tags, metadata, records, conditions ---------------------------------------------

    @property
    def tags(self) -> list[str]:
        return list(self.attributes.get(TAGS_KEY, []))

    def set_tags(self, tags: list[str], actor: uuid.UUID, now: datetime) -> None:
        wanted, current = clean_tags(tags), self.tags
        added = [t for t in wanted if t not in current]
        removed = [t for t in current if t not in wanted]
        attributes = {k: v for k, v in self.attributes.items() if k != TAGS_KEY}
        self.attributes = {**attributes, TAGS_KEY: wanted} if wanted else attributes
        if removed:
            self._record(CASE_TAGS_REMOVED, actor, now, {"tags": removed})
        if added:
            self._record(CASE_TAGS_ADDED, actor, now, {"tags": added})

    def set_metadata(self, metadata: Mapping[str, Any], actor: uuid.UUID, now: datetime) -> None:
        new = clean_metadata(metadata)
        if new != self.metadata:
            old, self.metadata = self.metadata, new
            changed = sorted(k for k in {*old, *new} if old.get(k, ...) != new.get(k, ...))
            self._record(CASE_METADATA_CHANGED, actor, now, {"old": old, "new": new, "keys": changed})

    def set_records(self, record_ids: list[int], actor: uuid.UUID, now: datetime) -> None:
        wanted, current = clean_record_ids(record_ids), self.record_ids
        removed = [r for r in current if r not in wanted]
        added = [r for r in wanted if r not in current]
        self.record_ids = wanted
        if removed:
            self._record(CASE_RECORDS_REMOVED, actor, now, {"record_ids": removed})
        if added:
            self._record(CASE_RECORDS_ADDED, actor, now, {"record_ids": added})

    def set_closure_conditions(
        self, conditions: list[ClosureCondition], actor: uuid.UUID, now: datetime
    ) -> None:
        new = clean_conditions(conditions)
        if new != self.closure_conditions:
            old, self.closure_conditions = self.closure_conditions, new
            self._changed(
                CASE_CLOSURE_CONDITIONS_CHANGED,
                actor,
                now,
                [c.as_data() for c in old],
                [c.as_data() for c in new],
            )

    def set_times(
        self, opened_at: datetime | None, resolved_at: datetime | None, actor: uuid.UUID, now: datetime
    ) -> None:
        """Backdates when the case was opened and (if closed) resolved, as importers do."""
        if resolved_at is not None and self.status is not CaseStatus.CLOSED:
            raise ValidationFailed("resolved_at", "only a closed case has a resolution time")
        old = self.times_data()
        if opened_at is not None:
            self.opened_at = opened_at
        if resolved_at is not None:
            self.closed_at = resolved_at
        start = self.opened_at or self.created_at
        if self.closed_at is not None and self.closed_at < start:
            raise ValidationFailed("resolved_at", "a case cannot be resolved before it was opened")
        if self.times_data() != old:
            self._changed(CASE_TIMES_CHANGED, actor, now, old, self.times_data())

    def times_data(self) -> dict[str, str | None]:
        return {
            "opened_at": self.opened_at.isoformat() if self.opened_at else None,
            "resolved_at": self.closed_at.isoformat() if self.closed_at else None,
        }

    # -- closing -------------------------------------------------------------------------

    def check_closure(self, view: ViewSource | None) -> None:
        """Raises ClosureRefused unless every closure condition holds. Without a view the
        case presents itself with what it knows alone (user ids rather than user objects)."""
        if not self.closure_conditions:
            return
        seen = view() if view is not None else case_view(self, {}, None, {})
        checked = [(c, c.failure(seen)) for c in self.closure_conditions]
        failing = [(c, reason) for c, reason in checked if reason is not None]
        if failing:
            reasons = "; ".join(reason for _, reason in failing)
            raise ClosureRefused(
                "closure_conditions",
                f"the case cannot be closed while these closure conditions are false: {reasons}",
                [c for c, _ in failing],
            )

    def note_status(self, status: CaseStatus, actor: uuid.UUID, now: datetime) -> None:
        """Keeps who resolved the case, and when it was (re)opened."""
        if status is CaseStatus.CLOSED:
            self.closed_by = actor
        else:
            self.closed_by = None

    # -- events on the case's other parts ------------------------------------------------

    def buttons_changed(self, action: str, button: dict[str, Any], actor: uuid.UUID, now: datetime) -> None:
        self._record(CASE_BUTTONS_CHANGED, actor, now, {"action": action, "button": button})

    def file_attached(self, file: dict[str, Any], comment: str, actor: uuid.UUID, now: datetime) -> Event:
        return self._record(CASE_FILE_ATTACHED, actor, now, {"file": file, "comment": comment})

    def comment_reacted(
        self, comment_id: uuid.UUID, emoji: str, added: bool, actor: uuid.UUID, now: datetime
    ) -> None:
        data = {"cell_id": str(comment_id), "emoji": emoji, "added": added}
        self._record(CASE_COMMENT_REACTED, actor, now, data, appends_timeline=False, touches=False)

    def mentioned(self, user_ids: list[uuid.UUID], where: str, actor: uuid.UUID, now: datetime) -> None:
        if user_ids:
            data = {"user_ids": [str(u) for u in user_ids], "in": where}
            self._record(CASE_USERS_MENTIONED, actor, now, data, appends_timeline=False, touches=False)

    def deleted(self, actor: uuid.UUID, now: datetime) -> None:
        self._record(CASE_DELETED, actor, now, {"number": self.number, "title": self.title})
