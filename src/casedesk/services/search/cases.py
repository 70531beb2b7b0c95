"""Parses the Lucene-style case query into predicates (see `predicates.py`).

Example: `status:open priority:(P1 OR P2) project:SEC -assignee:none "disk full" env:prod
created_at:>now-7d`. Terms side by side must all hold; `OR`, `NOT`/`-`, parentheses and
`field:(a OR b)` groups work as in Lucene.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from luqum import tree

from casedesk.domain.vocab import CaseStatus, Priority
from casedesk.services.search import predicates as p
from casedesk.services.search.grammar import Context, Grammar, parse
from casedesk.services.search.times import TimeValue, parse_time

FREE_TEXT_COLUMNS: tuple[p.TextColumn, ...] = ("title", "description", "key")


def parse_case_query(
    text: str | None, *, now: datetime, me: uuid.UUID | None = None, field: str = "filter"
) -> p.Predicate:
    """Parses `text`; raises ValidationFailed(field, ...) saying where it broke."""
    if text is None or not text.strip():
        return p.Everything()
    return parse(text, CASE_GRAMMAR, now=now, me=me, field=field)


# -- terms -------------------------------------------------------------------------------


def _term(node: Any, field: str | None, ctx: Context) -> p.Predicate:
    if field is None:
        if not isinstance(node, (tree.Word, tree.Phrase)):
            raise ctx.fail("a comparison needs a field, as in created_at:>now-7d", node)
        return p.TextMatch(FREE_TEXT_COLUMNS, term_pattern(node))
    name = field.lower()
    resolver = FIELDS.get(name)
    if resolver is not None:
        return resolver(node, ctx)
    if name.startswith("attributes."):
        return _attribute(field[len("attributes.") :], node, ctx)
    if name.startswith("custom_attributes."):
        key = field[len("custom_attributes.") :]
        return p.CustomAttributeMatch(key, _optional_pattern(node, ctx, key))
    if name.startswith("metadata.") and len(field) > len("metadata."):
        return p.MetadataIs(field[len("metadata.") :], _word(node, ctx, field))
    return _attribute(field, node, ctx)


def term_value(node: Any) -> str:
    if isinstance(node, tree.Phrase):
        return str(node.value[1:-1]).replace('\\"', '"')
    return _unescape(str(node.value))


def _unescape(text: str) -> str:
    out, escaped = [], False
    for char in text:
        if escaped or char != "\\":
            out.append(char)
            escaped = False
        else:
            escaped = True
    return "".join(out)


def term_pattern(node: Any) -> p.Pattern:
    if isinstance(node, tree.Phrase):
        return p.Pattern(term_value(node))
    raw = str(node.value)
    # An escaped star is a literal star; only bare ones are wildcards.
    glob = any(c in "*?" and (i == 0 or raw[i - 1] != "\\") for i, c in enumerate(raw))
    return p.Pattern(_unescape(raw) if not glob else raw.replace("\\*", "*"), glob=glob)


def _word(node: Any, ctx: Context, field: str) -> str:
    if not isinstance(node, (tree.Word, tree.Phrase)):
        raise ctx.fail(f"{field} takes a value, not a comparison", node)
    return term_value(node)


def _optional_pattern(node: Any, ctx: Context, field: str) -> p.Pattern | None:
    if isinstance(node, tree.Word) and node.value == "*":
        return None
    if not isinstance(node, (tree.Word, tree.Phrase)):
        raise ctx.fail(f"{field} takes a value, not a comparison", node)
    return term_pattern(node)


def _attribute(key: str, node: Any, ctx: Context) -> p.Predicate:
    if not key:
        raise ctx.fail("an attribute needs a key, as in attributes.env:prod", node)
    return p.AttributeMatch(key, _optional_pattern(node, ctx, key))


def _enum(column: p.EnumColumn, names: dict[str, str]) -> Callable[[Any, Context], p.Predicate]:
    def resolve(node: Any, ctx: Context) -> p.Predicate:
        word = _word(node, ctx, column).strip().lower()
        if word == "*":
            return p.Everything()
        value = names.get(word)
        if value is None:
            allowed = ", ".join(sorted(set(names.values())))
            raise ctx.fail(f"unknown {column} {word!r}; use one of {allowed}", node)
        return p.EnumIn(column, frozenset({value}))

    return resolve


STATUS_NAMES = {
    **{s.value.lower(): s.value for s in CaseStatus},
    **{s.group.lower(): s.value for s in CaseStatus},
    **{s.display_name.lower(): s.value for s in CaseStatus},
    "in-progress": CaseStatus.IN_PROGRESS.value,
}
PRIORITY_NAMES = {
    **{pr.value.lower(): pr.value for pr in Priority},
    "not-defined": "NOT_DEFINED",
    "none": "NOT_DEFINED",
    **{str(n): f"P{n}" for n in range(1, 6)},
}


def _user(column: p.RefColumn, allow_none: bool) -> Callable[[Any, Context], p.Predicate]:
    def resolve(node: Any, ctx: Context) -> p.Predicate:
        word = _word(node, ctx, column).strip()
        lowered = word.lower()
        if lowered == "*" and column == "assignee":
            return p.IsSet("assignee")
        if lowered == "none" and allow_none:
            return p.Not(p.IsSet("assignee"))
        if lowered == "me":
            if ctx.me is None:
                raise ctx.fail("`me` needs a signed-in user", node)
            return p.RefIs(column, id=ctx.me)
        try:
            return p.RefIs(column, id=uuid.UUID(word))
        except ValueError:
            return p.RefIs(column, name=lowered)

    return resolve


def _named_ref(column: p.RefColumn) -> Callable[[Any, Context], p.Predicate]:
    def resolve(node: Any, ctx: Context) -> p.Predicate:
        word = _word(node, ctx, column).strip()
        try:
            return p.RefIs(column, id=uuid.UUID(word))
        except ValueError:
            return p.RefIs(column, name=word.lower())

    return resolve


def _key(node: Any, ctx: Context) -> p.Predicate:
    word = _word(node, ctx, "key").strip()
    pattern = term_pattern(node)
    if pattern.glob:
        return p.TextMatch(("key",), pattern)
    return p.KeyIs(word.upper())


def _number(node: Any, ctx: Context) -> p.Predicate:
    word = _word(node, ctx, "number").strip()
    if not (word.isascii() and word.isdigit()) or len(word) > 18:
        raise ctx.fail(f"number takes a case number such as 42, not {word!r}", node)
    return p.NumberIs(int(word))


def _text(column: p.TextColumn) -> Callable[[Any, Context], p.Predicate]:
    def resolve(node: Any, ctx: Context) -> p.Predicate:
        _word(node, ctx, column)
        return p.TextMatch((column,), term_pattern(node))

    return resolve


def _archived(node: Any, ctx: Context) -> p.Predicate:
    word = _word(node, ctx, "archived").strip().lower()
    if word not in ("true", "false"):
        raise ctx.fail("archived is true or false", node)
    return p.IsSet("archived_at") if word == "true" else p.Not(p.IsSet("archived_at"))


def _time(column: p.TimeColumn) -> Callable[[Any, Context], p.Predicate]:
    def resolve(node: Any, ctx: Context) -> p.Predicate:
        if isinstance(node, tree.Word) and node.value == "*" and column in ("closed_at", "archived_at"):
            return p.IsSet(column)
        low, high, include_low, include_high = term_bounds(node, ctx, column)
        return p.TimeRange(
            column,
            low=None if low is None else (low.day_end if low.whole_day and not include_low else low.at),
            high=None if high is None else (high.day_end if high.whole_day and include_high else high.at),
            include_low=include_low or bool(low and low.whole_day),
            include_high=include_high and not bool(high and high.whole_day),
        )

    return resolve


def _due_date(node: Any, ctx: Context) -> p.Predicate:
    if isinstance(node, tree.Word) and node.value == "*":
        return p.IsSet("due_date")
    low, high, include_low, include_high = term_bounds(node, ctx, "due_date")
    return p.DateRange(
        "due_date",
        low=low.at.date() if low else None,
        high=high.at.date() if high else None,
        include_low=include_low,
        include_high=include_high,
    )


def term_bounds(
    node: Any, ctx: Context, column: str
) -> tuple[TimeValue | None, TimeValue | None, bool, bool]:
    """(low, high, include_low, include_high) of a time term; a bare day is that whole day."""

    def at(value_node: Any) -> TimeValue | None:
        text = term_value(value_node).strip()
        if text == "*":
            return None
        parsed = parse_time(text, ctx.now)
        if parsed is None:
            raise ctx.fail(f"{column} takes a time such as now-7d or 2026-01-31, not {text!r}", node)
        return parsed

    if isinstance(node, tree.From):
        return at(node.a), None, bool(node.include), False
    if isinstance(node, tree.To):
        return None, at(node.a), False, bool(node.include)
    if isinstance(node, tree.Range):
        return at(node.low), at(node.high), bool(node.include_low), bool(node.include_high)
    moment = at(node)
    if moment is None:
        return None, None, True, True
    if moment.whole_day:
        return moment, moment, True, True
    return moment, moment, True, True


def _insight(field: str) -> Callable[[Any, Context], p.Predicate]:
    def resolve(node: Any, ctx: Context) -> p.Predicate:
        return p.InsightMatch(field, _word(node, ctx, f"insight.{field}").strip())  # type: ignore[arg-type]

    return resolve


CASE_GRAMMAR: Grammar[p.Predicate] = Grammar(term=_term, all_of=p.And, any_of=p.Or, negate=p.Not)

FIELDS: dict[str, Callable[[Any, Context], p.Predicate]] = {
    "status": _enum("status", STATUS_NAMES),
    "status_group": _enum("status", STATUS_NAMES),
    "priority": _enum("priority", PRIORITY_NAMES),
    "type": _named_ref("type"),
    "type_id": _named_ref("type"),
    "project": _named_ref("project"),
    "project_id": _named_ref("project"),
    "key": _key,
    "number": _number,
    "case_number": _number,
    "assignee": _user("assignee", allow_none=True),
    "assignee_id": _user("assignee", allow_none=True),
    "creator": _user("creator", allow_none=False),
    "created_by": _user("creator", allow_none=False),
    "author": _user("creator", allow_none=False),
    "title": _text("title"),
    "description": _text("description"),
    "text": lambda node, ctx: p.TextMatch(FREE_TEXT_COLUMNS, term_pattern(node)),
    "archived": _archived,
    "created_at": _time("created_at"),
    "created": _time("created_at"),
    "modified_at": _time("modified_at"),
    "updated_at": _time("modified_at"),
    "closed_at": _time("closed_at"),
    "archived_at": _time("archived_at"),
    "due_date": _due_date,
    "insight.type": _insight("type"),
    "insights.type": _insight("type"),
    "insight_type": _insight("type"),
    "insight.resource_id": _insight("resource_id"),
    "insights.resource_id": _insight("resource_id"),
    "insight_resource_id": _insight("resource_id"),
}
