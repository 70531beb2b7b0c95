"""A case's values and their limits: each `clean_*` returns the value as stored or raises
ValidationFailed naming the field in the domain's words (each dialect's error table turns it
into its own wire name).

- **Tags** are the values of the case attribute `tags`, so Datadog shows them under
  `attributes.tags`, and `tags:login` searches them in both dialects; they change only through
  `Case.set_tags`, whichever dialect sends them.
- **Metadata** is a small JSON object of the caller's own keys.
- **Records** are ids of stored record result sets attached to the case, in order.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from casedesk.domain import limits
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.vocab import InsightType

TITLE_MAX = 500
DESCRIPTION_MAX = 100_000
COMMENT_MAX = 100_000
INSIGHTS_MAX = 1000
INSIGHT_REF_MAX = 2000
INSIGHT_RESOURCE_ID_MAX = 500
TAGS_KEY = "tags"
ASSIGNEES_MAX = 50
RECORDS_MAX = 1000

T = TypeVar("T")


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


def new_insights(existing: Iterable[Insight], given: Iterable[Insight], now: datetime) -> list[Insight]:
    """The insights of `given` not among `existing` (by type and resource id), each once,
    stamped `now`; refused when the case would hold more than INSIGHTS_MAX."""
    held = list(existing)
    known = {i.identity for i in held}
    added = []
    for insight in given:
        if insight.identity not in known:
            known.add(insight.identity)
            added.append(dataclasses.replace(insight, added_at=now))
    if len(held) + len(added) > INSIGHTS_MAX:
        raise ValidationFailed("insights", f"a case holds at most {INSIGHTS_MAX} insights")
    return added


def added_and_removed(current: Sequence[T], wanted: Sequence[T]) -> tuple[list[T], list[T]]:
    """What `wanted` has that `current` has not, and the reverse, each in its list's order."""
    return [v for v in wanted if v not in current], [v for v in current if v not in wanted]


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


def clean_attributes(attributes: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """The attribute map as stored; the `tags` key is checked as tags (see `clean_tags`).
    The bounds are the ones in force (`domain/limits.py`); a refusal names the attribute as
    `attributes/<key>` (a JSON pointer token) when one attribute is at fault."""
    bound = limits.current()
    cleaned: dict[str, list[str]] = {}
    for key, values in attributes.items():
        where = f"attributes/{pointer_token(key)}"
        if not key.strip() or len(key) > bound.attribute_key_length:
            raise ValidationFailed(
                where, f"attribute key {key[:40]!r} must be 1 to {bound.attribute_key_length} characters"
            )
        if key.strip() == TAGS_KEY:
            cleaned[TAGS_KEY] = clean_tags(values)
            continue
        if len(values) > bound.attribute_values:
            raise ValidationFailed(where, f"attribute {key!r} has more than {bound.attribute_values} values")
        if any(len(value) > bound.attribute_value_length for value in values):
            raise ValidationFailed(
                where,
                f"values of attribute {key!r} must be at most {bound.attribute_value_length} characters",
            )
        # Order is kept, repeats are dropped: attributes behave like tag sets.
        cleaned[key.strip()] = list(dict.fromkeys(values))
    if len([key for key in cleaned if key != TAGS_KEY]) > bound.attribute_keys:
        raise ValidationFailed("attributes", f"a case holds at most {bound.attribute_keys} attributes")
    return cleaned


def pointer_token(key: str) -> str:
    """`key` as one token of a JSON pointer (RFC 6901), so a `/` in it is not a step."""
    return key.replace("~", "~0").replace("/", "~1")


def clean_tags(tags: Iterable[str]) -> list[str]:
    bound = limits.current()
    cleaned: list[str] = []
    for tag in tags:
        name = tag.strip()
        if not name or len(name) > bound.tag_length:
            raise ValidationFailed("tags", f"a tag name must be 1 to {bound.tag_length} characters")
        if name not in cleaned:
            cleaned.append(name)
    if len(cleaned) > bound.tags:
        raise ValidationFailed("tags", f"a case holds at most {bound.tags} tags")
    return cleaned


def clean_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    bound = limits.current()
    if len(metadata) > bound.metadata_keys:
        raise ValidationFailed("metadata", f"metadata holds at most {bound.metadata_keys} keys")
    for key, value in metadata.items():
        if not key.strip() or len(key) > bound.metadata_key_length:
            raise ValidationFailed(
                "metadata", f"metadata key {key[:40]!r} must be 1 to {bound.metadata_key_length} characters"
            )
        if len(json.dumps(value)) > bound.metadata_value_length:
            raise ValidationFailed(
                "metadata",
                f"metadata value of {key!r} is longer than {bound.metadata_value_length} characters as JSON",
            )
    return dict(metadata)


def clean_record_ids(record_ids: Iterable[int], field: str = "record_ids") -> list[int]:
    cleaned = list(dict.fromkeys(record_ids))
    if any(r <= 0 for r in cleaned):
        raise ValidationFailed(field, "record ids are positive integers")
    if len(cleaned) > RECORDS_MAX:
        raise ValidationFailed(field, f"a case holds at most {RECORDS_MAX} records")
    return cleaned
