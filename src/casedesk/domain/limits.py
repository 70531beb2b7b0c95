"""The bounds on what one case holds and on what one search may ask, as configured.

The values come from the settings (`CASEDESK_MAX_ATTRIBUTE_KEYS`, ...); the HTTP application
puts them in force for each request it serves (`in_force`), so the domain's checks and the
search parser read them without every command and parser call having to carry them. Outside
a request (the CLI, the worker, tests) the defaults hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    # A case's attributes (Datadog's `attributes` map, `tags` aside).
    attribute_keys: int = 100
    attribute_values: int = 100
    attribute_key_length: int = 100
    # Each value is a row of an indexed lookup table; PostgreSQL refuses btree index entries
    # beyond about 2,700 bytes, and 200 characters of UTF-8 stay well below that.
    attribute_value_length: int = 200
    tags: int = 100
    tag_length: int = 200
    # A case's metadata (Tines' free-form `metadata` object); a value counts as JSON text.
    metadata_keys: int = 100
    metadata_key_length: int = 200
    metadata_value_length: int = 10_000
    # A search query (case and incident search, views, rules).
    query_length: int = 4096
    query_terms: int = 50
    query_wildcards: int = 10
    # Parentheses, `field:(…)` groups and negations inside one another.
    query_depth: int = 10

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value < 1:
                raise ValueError(f"limit {name} must be at least 1, not {value}")


DEFAULTS = Limits()
_in_force: ContextVar[Limits | None] = ContextVar("casedesk_limits", default=None)


def current() -> Limits:
    return _in_force.get() or DEFAULTS


@contextmanager
def in_force(limits: Limits) -> Iterator[None]:
    """`limits` hold inside the block, in this context and the worker threads it starts."""
    token = _in_force.set(limits)
    try:
        yield
    finally:
        _in_force.reset(token)
