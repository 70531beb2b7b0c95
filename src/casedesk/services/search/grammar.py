"""The part of the Lucene-style syntax every query language here shares: parsing with luqum,
the boolean structure (AND, OR, NOT, groups, `field:(…)`), and the limits on a query's size and
cost (the ones in force, `domain/limits.py`): its length, its terms, its wildcard terms and how
deeply it nests. Each language (cases, incidents) supplies how a single term becomes one of its
predicates and how its predicates combine."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Generic, TypeVar

from luqum import tree
from luqum.exceptions import ParseError
from luqum.parser import parser as lucene

from casedesk.domain import limits
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.limits import Limits

# luqum's parser object keeps state between tokens; one query at a time.
_parse_lock = threading.Lock()

T = TypeVar("T")


class QueryError(ValidationFailed):
    def __init__(self, message: str, field: str = "filter") -> None:
        super().__init__(field, message)


class Context:
    """What a query is resolved against: who asks (for `me`) and when (for `now-7d`)."""

    def __init__(self, now: datetime, me: uuid.UUID | None, field: str, bounds: Limits | None = None) -> None:
        self.now = now
        self.me = me
        self.field = field
        self.bounds = bounds or limits.current()
        self.terms = 0
        self.wildcards = 0

    def fail(self, message: str, node: Any = None) -> QueryError:
        position = getattr(node, "pos", None)
        where = f" at position {position}" if position is not None else ""
        return QueryError(f"{message}{where}", self.field)


@dataclass(frozen=True)
class Grammar(Generic[T]):
    """How one predicate family is built: a term (with the field it sits under, if any),
    and the three ways terms combine."""

    term: Callable[[Any, str | None, Context], T]
    all_of: Callable[[tuple[T, ...]], T]
    any_of: Callable[[tuple[T, ...]], T]
    negate: Callable[[T], T]


def parse(text: str, grammar: Grammar[T], *, now: datetime, me: uuid.UUID | None, field: str) -> T:
    """Parses non-blank `text`; raises ValidationFailed(field, ...) saying where it broke."""
    ctx = Context(now, me, field)
    if len(text) > ctx.bounds.query_length:
        raise QueryError(f"the query is longer than {ctx.bounds.query_length} characters", field)
    try:
        node = syntax_tree(text)
    except ParseError as exc:
        message = " ".join(str(exc).replace("Syntax error in input : ", "").rstrip("!").split())
        raise QueryError(f"the query does not parse: {message}", field) from None
    return _resolve(node, None, ctx, 0, grammar)


@lru_cache(maxsize=512)
def syntax_tree(text: str) -> Any:
    """luqum's tree of `text`, kept for the same query asked again (a list refreshed, a rule
    matched at each event): parsing costs more than the rest of a search's Python. Trees are
    only read, never changed, so one may serve many requests; times such as `now-7d` are
    resolved from them at each use. A text that does not parse raises each time."""
    with _parse_lock:
        return lucene.parse(text)


# What nests: a group, a field's group of values, a negation or `+`. Operators do not (luqum joins
# a run of one operator into one node, and AND binds tighter than OR), so counting these
# bounds the depth of the whole tree, and with it the parser's recursion.
NESTING = (tree.Group, tree.FieldGroup, tree.Not, tree.Prohibit, tree.Plus)


def _resolve(node: Any, field: str | None, ctx: Context, depth: int, grammar: Grammar[T]) -> T:
    if isinstance(node, NESTING):
        depth += 1
        if depth > ctx.bounds.query_depth:
            raise ctx.fail(f"the query nests deeper than {ctx.bounds.query_depth} levels", node)
    if isinstance(node, tree.SearchField):
        if field is not None:
            raise ctx.fail(f"field {node.name!r} inside the value of field {field!r}", node)
        return _resolve(node.expr, node.name, ctx, depth, grammar)
    if isinstance(node, (tree.Group, tree.FieldGroup)):
        return _resolve(node.expr, field, ctx, depth, grammar)
    if isinstance(node, (tree.AndOperation, tree.UnknownOperation)):
        return grammar.all_of(tuple(_resolve(child, field, ctx, depth, grammar) for child in node.children))
    if isinstance(node, tree.OrOperation):
        return grammar.any_of(tuple(_resolve(child, field, ctx, depth, grammar) for child in node.children))
    if isinstance(node, (tree.Not, tree.Prohibit)):
        return grammar.negate(_resolve(node.a, field, ctx, depth, grammar))
    if isinstance(node, tree.Plus):
        return _resolve(node.a, field, ctx, depth, grammar)
    if isinstance(node, (tree.Word, tree.Phrase, tree.From, tree.To, tree.Range)):
        _count_term(node, ctx)
        return grammar.term(node, field, ctx)
    raise ctx.fail(f"unsupported query syntax {type(node).__name__}", node)


def _count_term(node: Any, ctx: Context) -> None:
    ctx.terms += 1
    if ctx.terms > ctx.bounds.query_terms:
        raise ctx.fail(f"the query has more than {ctx.bounds.query_terms} terms", node)
    if isinstance(node, tree.Word) and is_wildcard(node.value):
        ctx.wildcards += 1
        if ctx.wildcards > ctx.bounds.query_wildcards:
            raise ctx.fail(f"the query has more than {ctx.bounds.query_wildcards} wildcard terms", node)


def is_wildcard(raw: str) -> bool:
    """A word with an unescaped `*` or `?` that matches more than "anything": such terms are
    the ones that cost a scan (`*` alone, "has a value", is an indexed test)."""
    if raw == "*":
        return False
    return any(c in "*?" and (i == 0 or raw[i - 1] != "\\") for i, c in enumerate(raw))
