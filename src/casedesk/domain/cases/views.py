"""Case views: named, saved case queries in a project.

A view stores its query text; whether the text parses is checked by the services (the parser
lives there) on every write. Clients run a view by passing its query as the `filter` of a
case search, prefixed with `project_id:<project id>` to keep to the view's project.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from casedesk.domain import limits
from casedesk.domain.commands import Command
from casedesk.domain.errors import ValidationFailed

NAME_MAX = 200
RULE_ID_MAX = 64


def clean_view_name(name: str) -> str:
    stripped = name.strip()
    if not stripped or len(stripped) > NAME_MAX:
        raise ValidationFailed("name", f"name must be 1 to {NAME_MAX} characters")
    return stripped


def clean_query(query: str) -> str:
    """A view's query may be as long as a search's (`domain/limits.py`)."""
    longest = limits.current().query_length
    if len(query) > longest:
        raise ValidationFailed("query", f"query must be at most {longest} characters")
    return query.strip()


def clean_rule_id(rule_id: str | None) -> str | None:
    """An empty notification rule id unlinks the rule."""
    if rule_id is None or not rule_id.strip():
        return None
    if len(rule_id.strip()) > RULE_ID_MAX:
        raise ValidationFailed("np_rule_id", f"np_rule_id must be at most {RULE_ID_MAX} characters")
    return rule_id.strip()


@dataclass
class CaseView:
    id: uuid.UUID
    project_id: uuid.UUID
    name: str
    query: str
    created_at: datetime
    created_by: uuid.UUID | None = None
    modified_by: uuid.UUID | None = None
    modified_at: datetime | None = None
    np_rule_id: str | None = None

    @classmethod
    def create(
        cls,
        *,
        project_id: uuid.UUID,
        name: str,
        query: str,
        np_rule_id: str | None,
        actor: uuid.UUID,
        now: datetime,
    ) -> CaseView:
        return cls(
            id=uuid.uuid4(),
            project_id=project_id,
            name=clean_view_name(name),
            query=clean_query(query),
            np_rule_id=clean_rule_id(np_rule_id),
            created_at=now,
            created_by=actor,
            modified_at=now,
            modified_by=actor,
        )

    def update(
        self, *, name: str | None, query: str | None, np_rule_id: str | None, actor: uuid.UUID, now: datetime
    ) -> None:
        """Changes the members given; None leaves a member as it is."""
        if name is not None:
            self.name = clean_view_name(name)
        if query is not None:
            self.query = clean_query(query)
        if np_rule_id is not None:
            self.np_rule_id = clean_rule_id(np_rule_id)
        self.modified_at = now
        self.modified_by = actor


# -- commands ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateCaseView(Command[uuid.UUID]):
    project_id: uuid.UUID
    name: str
    query: str
    np_rule_id: str | None = None


@dataclass(frozen=True)
class UpdateCaseView(Command[uuid.UUID]):
    view_id: uuid.UUID
    name: str | None = None
    query: str | None = None
    np_rule_id: str | None = None


@dataclass(frozen=True)
class DeleteCaseView(Command[uuid.UUID]):
    view_id: uuid.UUID
