"""Mentions in a case's description and comments: `<@user-2435>` (a user's number, as Tines
writes them) or `<@user-<uuid>>`. The syntax is the core's, whichever dialect wrote the text;
the aggregate detects them whenever a description or comment is written and records whom they
name (`CaseEvent.USERS_MENTIONED`) with an excerpt of the text that names them, for the worker
to notify."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence

from casedesk.domain.ids import UserRef

MENTION = re.compile(
    r"<@user-([0-9]{1,18}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})>"
)
MENTIONS_MAX = 50
# How much of the text that mentions someone the event carries, for the notice they get.
EXCERPT_MAX = 1000

# The active users among the refs, in order, each once; refs naming no active user are
# left out (a mention of someone unknown is just text). The services provide it.
MentionLookup = Callable[[Sequence[UserRef]], list[uuid.UUID]]


def mentioned(text: str) -> list[UserRef]:
    """The users `text` mentions, each once, in order of first mention, at most MENTIONS_MAX."""
    refs: list[UserRef] = []
    for match in MENTION.finditer(text):
        ref = match.group(1)
        found = UserRef(number=int(ref)) if ref.isdigit() else UserRef(id=uuid.UUID(ref))
        if found not in refs:
            refs.append(found)
    return refs[:MENTIONS_MAX]


def excerpt(text: str, limit: int = EXCERPT_MAX) -> str:
    """`text` when it fits in `limit` characters; else its start, cut at the last space of
    the final tenth when there is one (not in the middle of a word), and an ellipsis."""
    if len(text) <= limit:
        return text
    start = text[: limit - 1]
    space = start.rfind(" ", limit - 1 - limit // 10)
    return (start[:space] if space > 0 else start).rstrip() + "…"


def newly_mentioned(old: str, new: str) -> list[UserRef]:
    """Who `new` mentions that `old` did not: an edit that keeps a mention does not repeat it."""
    before = set(mentioned(old))
    return [ref for ref in mentioned(new) if ref not in before]
