"""The part of the Lucene-style syntax every query language here shares: parsing with luqum,
the boolean structure (AND, OR, NOT, groups, `field:(…)`), and the limits. Each language
(cases, incidents) supplies how a single term becomes one of its predicates and how its
predicates combine."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from luqum import tree
from luqum.exceptions import ParseError
from luqum.parser import parser as lucene

from casedesk.domain.errors import ValidationFailed

MAX_DEPTH = 32
MAX_TERMS = 200

# luqum's parser object keeps state between tokens; one query at a time.
_parse_lock = threading.Lock()

T = TypeVar("T")


class QueryError(ValidationFailed):
    def __init__(self, message: str, field: str = "filter") -> None:
        super().__init__(field, message)


class Context:
    """What a query is resolved against: who asks (for `me`) and when (for `now-7d`)."""

    def __init__(self, now: datetime, me: uuid.UUID | None, field: str) -> None:
        self.now = now
        self.me = me
        self.field = field
        self.terms = 0

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
    try:
        with _parse_lock:
            node = lucene.parse(text)
    except ParseError as exc:
        message = " ".join(str(exc).replace("Syntax error in input : ", "").rstrip("!").split())
        raise QueryError(f"the query does not parse: {message}", field) from None
    return _resolve(node, None, Context(now, me, field), 0, grammar)


def _resolve(node: Any, field: str | None, ctx: Context, depth: int, grammar: Grammar[T]) -> T:
    if depth > MAX_DEPTH:
        raise ctx.fail(f"the query nests deeper than {MAX_DEPTH} levels", node)
    deeper = depth + 1
    if isinstance(node, tree.SearchField):
        if field is not None:
            raise ctx.fail(f"field {node.name!r} inside the value of field {field!r}", node)
        return _resolve(node.expr, node.name, ctx, deeper, grammar)
    if isinstance(node, (tree.Group, tree.FieldGroup)):
        return _resolve(node.expr, field, ctx, deeper, grammar)
    if isinstance(node, (tree.AndOperation, tree.UnknownOperation)):
        return grammar.all_of(tuple(_resolve(child, field, ctx, deeper, grammar) for child in node.children))
    if isinstance(node, tree.OrOperation):
        return grammar.any_of(tuple(_resolve(child, field, ctx, deeper, grammar) for child in node.children))
    if isinstance(node, (tree.Not, tree.Prohibit)):
        return grammar.negate(_resolve(node.a, field, ctx, deeper, grammar))
    if isinstance(node, tree.Plus):
        return _resolve(node.a, field, ctx, deeper, grammar)
    if isinstance(node, (tree.Word, tree.Phrase, tree.From, tree.To, tree.Range)):
        ctx.terms += 1
        if ctx.terms > MAX_TERMS:
            raise ctx.fail(f"the query has more than {MAX_TERMS} terms", node)
        return grammar.term(node, field, ctx)
    raise ctx.fail(f"unsupported query syntax {type(node).__name__}", node)
