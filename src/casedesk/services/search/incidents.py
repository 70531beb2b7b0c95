"""Parses the Lucene-style incident query into predicates (see `incident_predicates.py`).

Example: `state:(active OR stable) severity:(SEV-1 OR SEV-2) commander:me "db outage"
services:api created:>now-7d`. A field name that is not built in names an incident field
(`fields.services:api` works too).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from luqum import tree

from casedesk.domain.incidents.vocab import IncidentState, Severity, Visibility
from casedesk.services.search import incident_predicates as q
from casedesk.services.search.cases import term_bounds, term_pattern, term_value
from casedesk.services.search.grammar import Context, Grammar, parse
from casedesk.services.search.predicates import And, Everything, Not, Or


def parse_incident_query(
    text: str | None, *, now: datetime, me: uuid.UUID | None = None, field: str = "query"
) -> q.IncidentPredicate:
    """Parses `text`; raises ValidationFailed(field, ...) saying where it broke."""
    if text is None or not text.strip():
        return Everything()
    return parse(text, INCIDENT_GRAMMAR, now=now, me=me, field=field)


def _term(node: Any, field: str | None, ctx: Context) -> q.IncidentPredicate:
    if field is None:
        if not isinstance(node, (tree.Word, tree.Phrase)):
            raise ctx.fail("a comparison needs a field, as in created:>now-7d", node)
        return q.TitleMatch(term_pattern(node))
    name = field.lower()
    resolver = FIELDS.get(name)
    if resolver is not None:
        return resolver(node, ctx)
    key = field[len("fields.") :] if name.startswith("fields.") else field
    if not key:
        raise ctx.fail("a field needs a name, as in fields.services:api", node)
    if isinstance(node, tree.Word) and node.value == "*":
        return q.FieldMatch(key, None)
    return q.FieldMatch(key, term_pattern(_word_node(node, ctx, key)))


def _word_node(node: Any, ctx: Context, field: str) -> Any:
    if not isinstance(node, (tree.Word, tree.Phrase)):
        raise ctx.fail(f"{field} takes a value, not a comparison", node)
    return node


def _word(node: Any, ctx: Context, field: str) -> str:
    return term_value(_word_node(node, ctx, field)).strip()


def _values(column: q.ValueColumn, names: dict[str, str]) -> Callable[[Any, Context], q.IncidentPredicate]:
    def resolve(node: Any, ctx: Context) -> q.IncidentPredicate:
        word = _word(node, ctx, column).lower()
        if word == "*":
            return Everything()
        value = names.get(word)
        if value is None:
            raise ctx.fail(
                f"unknown {column} {word!r}; use one of {', '.join(sorted(set(names.values())))}", node
            )
        return q.ValueIn(column, frozenset({value}))

    return resolve


STATES = {s.value: s.value for s in IncidentState}
SEVERITIES = {
    **{s.value.lower(): s.value for s in Severity},
    **{s.value.lower().replace("-", ""): s.value for s in Severity},
}
VISIBILITIES = {v.value: v.value for v in Visibility}


def _user(column: q.UserColumn) -> Callable[[Any, Context], q.IncidentPredicate]:
    def resolve(node: Any, ctx: Context) -> q.IncidentPredicate:
        word = _word(node, ctx, column)
        lowered = word.lower()
        if lowered == "none" and column == "commander":
            return q.UserIs(column)
        if lowered == "*" and column == "commander":
            return Not(q.UserIs(column))
        if lowered == "me":
            if ctx.me is None:
                raise ctx.fail("`me` needs a signed-in user", node)
            return q.UserIs(column, id=ctx.me)
        try:
            return q.UserIs(column, id=uuid.UUID(word))
        except ValueError:
            return q.UserIs(column, name=lowered.lstrip("@"))

    return resolve


def _flag(column: q.FlagColumn) -> Callable[[Any, Context], q.IncidentPredicate]:
    def resolve(node: Any, ctx: Context) -> q.IncidentPredicate:
        word = _word(node, ctx, column).lower()
        if word not in ("true", "false"):
            raise ctx.fail(f"{column} is true or false", node)
        return q.FlagIs(column, word == "true")

    return resolve


def _public_id(node: Any, ctx: Context) -> q.IncidentPredicate:
    word = _word(node, ctx, "public_id").upper().removeprefix("IR-")
    if not (word.isascii() and word.isdigit()) or len(word) > 18:
        raise ctx.fail("public_id is a number such as 42", node)
    return q.PublicIdIs(int(word))


def _time(column: q.TimeColumn) -> Callable[[Any, Context], q.IncidentPredicate]:
    def resolve(node: Any, ctx: Context) -> q.IncidentPredicate:
        low, high, include_low, include_high = term_bounds(node, ctx, column)
        return q.TimeRange(
            column,
            low=None if low is None else (low.day_end if low.whole_day and not include_low else low.at),
            high=None if high is None else (high.day_end if high.whole_day and include_high else high.at),
            include_low=include_low or bool(low and low.whole_day),
            include_high=include_high and not bool(high and high.whole_day),
        )

    return resolve


INCIDENT_GRAMMAR: Grammar[q.IncidentPredicate] = Grammar(term=_term, all_of=And, any_of=Or, negate=Not)

FIELDS: dict[str, Callable[[Any, Context], q.IncidentPredicate]] = {
    "state": _values("state", STATES),
    "status": _values("state", STATES),
    "fields.state": _values("state", STATES),
    "severity": _values("severity", SEVERITIES),
    "fields.severity": _values("severity", SEVERITIES),
    "visibility": _values("visibility", VISIBILITIES),
    "title": lambda node, ctx: q.TitleMatch(term_pattern(_word_node(node, ctx, "title"))),
    "commander": _user("commander"),
    "commander_user": _user("commander"),
    "created_by": _user("created_by"),
    "creator": _user("created_by"),
    "last_modified_by": _user("modified_by"),
    "modified_by": _user("modified_by"),
    "is_test": _flag("is_test"),
    "customer_impacted": _flag("customer_impacted"),
    "public_id": _public_id,
    "created": _time("created"),
    "created_at": _time("created"),
    "modified": _time("modified"),
    "modified_at": _time("modified"),
    "resolved": _time("resolved"),
    "detected": _time("detected"),
    "declared": _time("declared"),
}
