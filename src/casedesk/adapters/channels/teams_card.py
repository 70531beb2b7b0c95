"""A notice as the Teams Workflows envelope around one Adaptive Card.

Typed models of the few card elements used, all of Adaptive Cards 1.0 to 1.2 (TextBlock,
FactSet, ColumnSet, Container, Action.OpenUrl), in a card that declares version 1.5 (the
highest Teams renders) and full width. The serialized envelope is held to ENVELOPE_BUDGET
bytes, under Teams' 28 KB limit with room for what Power Automate adds: the main text is
cut (the same way every time) until it fits; `render` returns None when even the card
without it does not.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from casedesk.adapters.channels.facts import ELLIPSIS, clip, facts, main_text, reference
from casedesk.domain.notifications.notices import Notice

ENVELOPE_BUDGET = 24 * 1024
CARD_VERSION = "1.5"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
TRUNCATED = f"{ELLIPSIS}\n\n(truncated: open the link below for the rest)"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class TextBlock(_Model):
    type: Literal["TextBlock"] = "TextBlock"
    text: str
    wrap: bool = True
    size: Literal["Small", "Default", "Medium", "Large"] | None = None
    weight: Literal["Lighter", "Default", "Bolder"] | None = None
    isSubtle: bool | None = None  # noqa: N815 - the card's own member name
    spacing: Literal["None", "Small", "Medium", "Large"] | None = None


class Fact(_Model):
    title: str
    value: str


class FactSet(_Model):
    type: Literal["FactSet"] = "FactSet"
    facts: list[Fact]


class Column(_Model):
    type: Literal["Column"] = "Column"
    width: str = "stretch"
    items: list[TextBlock]


class ColumnSet(_Model):
    type: Literal["ColumnSet"] = "ColumnSet"
    columns: list[Column]


class Container(_Model):
    type: Literal["Container"] = "Container"
    style: Literal["default", "emphasis", "good", "attention", "warning"] | None = None
    items: list[Annotated[TextBlock | FactSet | ColumnSet, Field(discriminator="type")]]


Element = Annotated[TextBlock | FactSet | ColumnSet | Container, Field(discriminator="type")]


class OpenUrl(_Model):
    type: Literal["Action.OpenUrl"] = "Action.OpenUrl"
    title: str
    url: str


class TeamsProperties(_Model):
    width: Literal["Full"] = "Full"


class AdaptiveCard(_Model):
    type: Literal["AdaptiveCard"] = "AdaptiveCard"
    schema_: str = Field(default=CARD_SCHEMA, alias="$schema")
    version: str = CARD_VERSION
    body: list[Element]
    actions: list[OpenUrl] = Field(default_factory=list)
    msteams: TeamsProperties = Field(default_factory=TeamsProperties)


class Attachment(_Model):
    contentType: str = CONTENT_TYPE  # noqa: N815
    contentUrl: None = None  # noqa: N815
    content: AdaptiveCard


class Envelope(_Model):
    type: Literal["message"] = "message"
    attachments: list[Attachment]

    def encode(self) -> bytes:
        """The JSON sent, byte for byte (the budget is measured on it)."""
        data = self.model_dump(by_alias=True, exclude_none=True)
        data["attachments"][0]["contentUrl"] = None  # the documented envelope names it, null
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def card(notice: Notice, text: str) -> Envelope:
    """The envelope with `text` as the card's main text."""
    body: list[Element] = [
        Container(
            style="emphasis" if notice.subject_type == "incident" else None,
            items=[
                TextBlock(text=clip(notice.title, 300), size="Large", weight="Bolder"),
                TextBlock(text=clip(notice.headline, 1000), spacing="Small"),
            ],
        ),
    ]
    pairs = facts(notice)
    if pairs:
        body.append(FactSet(facts=[Fact(title=label, value=clip(value, 500)) for label, value in pairs]))
    if text:
        body.append(TextBlock(text=text))
    body.append(
        ColumnSet(columns=[Column(items=[TextBlock(text=_by_line(notice), size="Small", isSubtle=True)])])
    )
    action = OpenUrl(title=clip(f"Open {reference(notice)}", 100), url=notice.url)
    return Envelope(attachments=[Attachment(content=AdaptiveCard(body=body, actions=[action]))])


def render(notice: Notice, budget: int = ENVELOPE_BUDGET) -> bytes | None:
    """The encoded envelope within `budget` bytes, the main text cut to the longest prefix
    that fits; None when the card does not fit without it."""
    text = main_text(notice)
    full = card(notice, text).encode()
    if len(full) <= budget:
        return full
    if len(card(notice, TRUNCATED).encode()) > budget:
        return None
    low, high = 0, len(text)  # the longest prefix that fits lies in [low, high)
    while high - low > 1:
        middle = (low + high) // 2
        if len(_cut(notice, text, middle)) <= budget:
            low = middle
        else:
            high = middle
    return _cut(notice, text, low)


def _cut(notice: Notice, text: str, length: int) -> bytes:
    return card(notice, text[:length] + TRUNCATED).encode()


def _by_line(notice: Notice) -> str:
    who = f"{notice.actor} · " if notice.actor else ""
    return f"{who}{notice.occurred_at}"


def as_json(encoded: bytes) -> dict[str, Any]:
    """The envelope read back (for the delivery log and tests)."""
    value: dict[str, Any] = json.loads(encoded)
    return value
