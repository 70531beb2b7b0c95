"""Tines' v1 wire models (request bodies). Unknown members are refused, so a misspelt field
is a 400 naming it rather than silently ignored."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

Emails = Annotated[list[str], Field(max_length=100)]
Names = Annotated[list[str], Field(max_length=200)]
Ids = Annotated[list[int], Field(max_length=1000)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ButtonIn(Body):
    button_type: str
    url: str
    label: str
    button_text: str = ""


class ButtonUpdate(Body):
    button_type: str | None = None
    url: str | None = None
    label: str | None = None
    button_text: str | None = None


class ConditionIn(Body):
    name: str
    formula: str


class CaseCreate(Body):
    team_id: int
    name: str
    description: str = ""
    priority: str | None = None
    status: str | None = None
    author_email: str | None = None
    assignee_emails: Emails | None = None
    tag_names: Names = []
    record_ids: Ids = []
    opened_at: datetime | None = None
    resolved_at: datetime | None = None
    metadata: dict[str, Any] = {}
    team_case_buttons: Annotated[list[ButtonIn], Field(max_length=50)] = []
    closure_conditions: Annotated[list[ConditionIn], Field(max_length=50)] = []


class CaseUpdate(Body):
    name: str | None = None
    description: str | None = None
    priority: str | None = None
    status: str | None = None
    author_email: str | None = None
    assignee_emails: Emails | None = None
    add_assignee_emails: Emails = []
    remove_assignee_emails: Emails = []
    tag_names: Names | None = None
    add_tag_names: Names = []
    remove_tag_names: Names = []
    add_record_ids: Ids = []
    remove_record_ids: Ids = []
    opened_at: datetime | None = None
    resolved_at: datetime | None = None
    metadata: dict[str, Any] | None = None
    team_case_buttons: Annotated[list[ButtonIn], Field(max_length=50)] | None = None
    closure_conditions: Annotated[list[ConditionIn], Field(max_length=50)] | None = None


class CommentIn(Body):
    value: str
    author_email: str | None = None


class ReactionIn(Body):
    value: str


class SubscriberIn(Body):
    user_email: str


class MetadataIn(Body):
    metadata: dict[str, Any]


class MetadataKeys(Body):
    metadata: Annotated[list[str], Field(max_length=100)]


class LinkIn(Body):
    id: int


class FileIn(Body):
    filename: str
    file_contents: str  # base64
    value: str = ""
    author_email: str | None = None
    team_case_block_id: int | None = None


class FieldValue(Body):
    name: str
    value: Any = None


class RecordIn(Body):
    field_values: Annotated[list[FieldValue], Field(max_length=200)]
