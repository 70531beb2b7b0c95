"""A notice as Slack Block Kit, within Slack's limits, built with slack_sdk's block models.

Two messages per subject: the thread's root, which shows the subject as it stands now and
is rewritten with every notice (`root`), and one reply per notice (`reply`). Both stay
under Slack's limits by construction (header 150 characters, section 3,000, ten fields of
2,000, 50 blocks) and under the undocumented total (`msg_blocks_too_long` near 13,000
characters), cutting long text at line ends, the same way every time, with a last block
that says so and links to the subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from casedesk.adapters.channels.facts import clip, facts, main_text, reference
from casedesk.domain.notifications.notices import Notice

HEADER_MAX = 150
SECTION_MAX = 3000
FIELD_MAX = 2000
BLOCKS_MAX = 50
# Slack refuses messages whose blocks hold much more than ~13,000 characters in all.
TEXT_BUDGET = 12_000
HEADLINE_MAX = 1000
# chat.update refuses a `text` over 4,000 characters; the fallback stays well under.
FALLBACK_MAX = 3000
_CHUNK = SECTION_MAX - 100


@dataclass(frozen=True)
class Message:
    """What chat.postMessage / chat.update are given besides channel and ts: the blocks, the
    fallback text, and the subject as message metadata (so Slack apps can tell which case
    a message is about); links are not unfurled, as the message already shows the case."""

    text: str
    blocks: list[dict[str, Any]]
    metadata: dict[str, Any]

    def body(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "blocks": self.blocks,
            "metadata": self.metadata,
            "unfurl_links": False,
            "unfurl_media": False,
        }


def root(notice: Notice) -> Message:
    """The thread's root: title, the subject's facts, its main text, the latest change."""
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=clip(notice.title, HEADER_MAX)))]
    pairs = facts(notice)[:10]
    if pairs:
        fields = [
            MarkdownTextObject(text=clip(f"*{label}*\n{escape(value)}", FIELD_MAX)) for label, value in pairs
        ]
        blocks.append(SectionBlock(fields=fields))
    text = mrkdwn(main_text(notice))
    footer = [
        _context(f"Latest: {escape(clip(notice.headline, HEADLINE_MAX))}"),
        _context(_link_line(notice)),
    ]
    blocks += _fit(_sections(text), notice, [*blocks, *footer], reserved=len(blocks) + len(footer) + 1)
    blocks.append(DividerBlock())
    blocks += footer
    return _message(notice, blocks)


def reply(notice: Notice) -> Message:
    """One notice in the thread: its headline, the rendered template if any, who and when."""
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=escape(clip(notice.headline, HEADLINE_MAX))))
    ]
    footer = [_context(_by_line(notice))]
    if notice.body:
        pieces = _sections(mrkdwn(notice.body))
        blocks += _fit(pieces, notice, [*blocks, *footer], reserved=len(blocks) + len(footer))
    blocks += footer
    return _message(notice, blocks)


def _message(notice: Notice, blocks: list[Block]) -> Message:
    for block in blocks:
        block.validate_json()
    metadata = {
        "event_type": f"casedesk_{notice.subject_type}",
        "event_payload": {
            "id": notice.subject_id,
            "reference": reference(notice),
            "event": notice.event_kind,
        },
    }
    return Message(
        text=clip(f"{notice.title}: {notice.headline}", FALLBACK_MAX),
        blocks=[b.to_dict() for b in blocks],
        metadata=metadata,
    )


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, SECTION_MAX))])


def _link_line(notice: Notice) -> str:
    return f"<{notice.url}|Open {escape(reference(notice))} in casedesk>"


def _by_line(notice: Notice) -> str:
    who = f"{escape(notice.actor)} · " if notice.actor else ""
    return f"{who}{notice.occurred_at} · {_link_line(notice)}"


def _sections(text: str) -> list[str]:
    """`text` in pieces of at most _CHUNK characters, cut at line ends where a line allows."""
    pieces: list[str] = []
    current = ""
    for line in text.splitlines():
        while len(line) > _CHUNK:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:_CHUNK])
            line = line[_CHUNK:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > _CHUNK:
            pieces.append(current)
            candidate = line
        current = candidate
    if current.strip():
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def _fit(pieces: list[str], notice: Notice, others: list[Block], *, reserved: int) -> list[Block]:
    """Sections for `pieces` while blocks and characters last (`others` and `reserved`
    blocks being in the message too), then one "truncated" note."""
    room = BLOCKS_MAX - reserved - 1
    budget = TEXT_BUDGET - _text_size([b.to_dict() for b in others]) - 200
    blocks: list[Block] = []
    for index, piece in enumerate(pieces):
        if index >= room or len(piece) > budget:
            rest = f"Truncated: {_link_line(notice)} to read the rest."
            return [*blocks, _context(rest)]
        blocks.append(SectionBlock(text=MarkdownTextObject(text=piece)))
        budget -= len(piece)
    return blocks


def _text_size(value: Any) -> int:
    """Characters of text in blocks, as Slack counts them against its total."""
    if isinstance(value, dict):
        own = len(value["text"]) if isinstance(value.get("text"), str) else 0
        return own + sum(_text_size(v) for v in value.values() if isinstance(v, dict | list))
    if isinstance(value, list):
        return sum(_text_size(v) for v in value)
    return 0


def escape(text: str) -> str:
    """Slack's three control characters, escaped as its docs ask."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.MULTILINE)


def mrkdwn(markdown: str) -> str:
    """Markdown as Slack's mrkdwn: escaped, links as <url|text>, bold and headings as *bold*."""
    text = escape(markdown)
    text = _LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1)}>", text)
    text = _BOLD.sub(r"*\1*", text)
    return _HEADING.sub(r"*\1*", text)
