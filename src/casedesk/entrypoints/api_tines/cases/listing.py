"""Tines' list parameters: `team_id`, `filters[...]` (Rails-style brackets, lists as
`filters[tags][]=a&filters[tags][]=b`), `order`, `page`, `per_page`; and the `meta` block.

Filters become search predicates, so a Tines list and a Datadog search mean the same thing by
the same words (`filters[assignees]` and `assignee:` both match any assignee)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from casedesk.domain.cases.values import TAGS_KEY
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.vocab import CaseStatus
from casedesk.entrypoints.api_tines.cases.presenter import CASE_INCLUDES
from casedesk.entrypoints.api_tines.mapping import priority_from_word
from casedesk.entrypoints.api_tines.wire import number
from casedesk.entrypoints.http.timestamps import parse_timestamp
from casedesk.services.ports.access import Visibility
from casedesk.services.ports.case_queries import CaseQuery, CaseSort, CaseSortField
from casedesk.services.search import predicates as p

PER_PAGE_MAX = 500
PAGE_MAX = 10_000_000
PER_PAGE_DEFAULT = 20
VALUE_MAX = 500
# Tines' orders, on the neutral sorts (ties go by case number, in the same direction).
ORDERS = {
    "RECENTLY_EDITED": CaseSort(CaseSortField.UPDATED, ascending=False),
    "LEAST_RECENTLY_EDITED": CaseSort(CaseSortField.UPDATED, ascending=True),
    "PRIORITY_ASC": CaseSort(CaseSortField.PRIORITY, ascending=True),
    "PRIORITY_DESC": CaseSort(CaseSortField.PRIORITY, ascending=False),
    "OPENED_ASC": CaseSort(CaseSortField.OPENED, ascending=True),
    "OPENED_DESC": CaseSort(CaseSortField.OPENED, ascending=False),
    "CREATED_ASC": CaseSort(CaseSortField.CREATED, ascending=True),
    "CREATED_DESC": CaseSort(CaseSortField.CREATED, ascending=False),
}
# List filters, by the list they add to: every tag is required, any of `or_tags` will do...
LIST_FILTERS = {
    "tags": "tags",
    "and_tags": "tags",
    "or_tags": "or_tags",
    "exclude_tags": "exclude_tags",
    "excluded_tags": "exclude_tags",
    "assignee_emails": "assignee_emails",
    "author_emails": "author_emails",
    "priority": "priority",
    "assignees": "assignees",
    "case_ids": "case_ids",
}
# Time filters: (the case's time, whether the value is the lower bound); both ends inclusive.
DATE_FILTERS: dict[str, tuple[p.TimeColumn, bool]] = {
    "start_date": ("created_at", True),
    "end_date": ("created_at", False),
    "updated_at_start_date": ("updated_at", True),
    "updated_at_end_date": ("updated_at", False),
    "resolved_at_start_date": ("closed_at", True),
    "resolved_at_end_date": ("closed_at", False),
}
OPEN_STATUSES = frozenset(s.value for s in CaseStatus if s is not CaseStatus.CLOSED)


def flatten(document: dict[str, Any]) -> list[tuple[str, str]]:
    """A JSON body sent with a GET (as some Tines clients do), in query-parameter form."""
    items: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any, depth: int = 0) -> None:
        if depth > 4:
            raise ValidationFailed(prefix.split("[")[0] or "body", "list parameters nest at most 4 levels")
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}[{key}]" if prefix else str(key), inner, depth + 1)
        elif isinstance(value, list):
            for inner in value:
                walk(f"{prefix}[]", inner, depth + 1)
        elif value is not None:
            items.append((prefix, str(value).lower() if isinstance(value, bool) else str(value)))

    walk("", document)
    return items


def _filter_name(key: str) -> tuple[str, str | None]:
    """`filters[tags][]` → ("tags", None); `filters[metadata][env]` → ("metadata", "env")."""
    inner = key[len("filters[") :]
    name, _, rest = inner.partition("]")
    sub = rest[1:-1] if rest.startswith("[") and rest.endswith("]") and len(rest) > 2 else None
    return name, sub


def _bool(text: str, field: str) -> bool:
    if text.strip().lower() in ("true", "1", "yes"):
        return True
    if text.strip().lower() in ("false", "0", "no", ""):
        return False
    raise ValidationFailed(field, f"{text!r} is not true or false")


def _int(text: str, field: str, low: int, high: int) -> int:
    raw = text.strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12 or not low <= int(raw) <= high:
        raise ValidationFailed(field, f"{field} must be an integer from {low} to {high}")
    return int(raw)


def parse(
    params: Iterable[tuple[str, str]], me: uuid.UUID, visibility: Visibility
) -> tuple[CaseQuery, int | None]:
    """The query (its filter without the team) and the team number asked for (validated, not
    yet looked up). A filter given twice keeps its last value; lists add up."""
    query: dict[str, Any] = {"page_size": PER_PAGE_DEFAULT, "sort": ORDERS["CREATED_DESC"]}
    lists: dict[str, list[str]] = {}
    terms: dict[str, p.Predicate] = {}
    metadata: list[p.Predicate] = []
    team: int | None = None
    for key, raw in params:
        if len(raw) > VALUE_MAX:
            raise ValidationFailed(key, f"{key} is longer than {VALUE_MAX} characters")
        if key == "team_id":
            team = number(raw, "team_id")
        elif key == "page":
            query["page_number"] = _int(raw, "page", 1, PAGE_MAX)
        elif key == "per_page":
            query["page_size"] = _int(raw, "per_page", 1, PER_PAGE_MAX)
        elif key == "order":
            if raw.strip().upper() not in ORDERS:
                raise ValidationFailed("order", f"unknown order {raw!r}; use one of {', '.join(ORDERS)}")
            query["sort"] = ORDERS[raw.strip().upper()]
        elif key.startswith("filters["):
            name, sub = _filter_name(key)
            if name == "metadata" and sub:
                metadata.append(p.MetadataIs(sub, raw))
            elif name in LIST_FILTERS:
                target = lists.setdefault(LIST_FILTERS[name], [])
                target.extend(v.strip() for v in raw.split(",") if v.strip())
            else:
                term = _term(name, raw, me)
                if term is not None:
                    terms[name] = term
                else:
                    terms.pop(name, None)
        else:
            raise ValidationFailed(key, f"unknown parameter {key!r}")
    found = [*(_list(name, items) for name, items in lists.items() if items), *terms.values(), *metadata]
    every = p.And(tuple(found)) if found else p.Everything()
    return CaseQuery(visibility, filter=every, include=CASE_INCLUDES, **query), team


def _term(name: str, raw: str, me: uuid.UUID) -> p.Predicate | None:
    """The predicate of a single-valued filter; None when it asks for nothing."""
    field = f"filters[{name}]"
    if name in DATE_FILTERS:
        column, low = DATE_FILTERS[name]
        moment = parse_timestamp(raw, field)
        if low:
            return p.TimeRange(column, low=moment, include_low=True)
        return p.TimeRange(column, high=moment, include_high=True)
    if name == "status":
        word = raw.strip().upper()
        if word not in ("OPEN", "CLOSED"):
            raise ValidationFailed(field, f"unknown status {raw!r}; use OPEN or CLOSED")
        return p.EnumIn("status", OPEN_STATUSES if word == "OPEN" else frozenset({word}))
    if name == "search":
        return _search(raw) if raw else None
    if name == "assigned_to_me":
        return p.RefIs("assignee", id=me) if _bool(raw, field) else None
    if name == "unassigned":
        return p.Not(p.IsSet("assignee")) if _bool(raw, field) else None
    raise ValidationFailed(field, f"unknown filter {name!r}")


def _search(raw: str) -> p.Predicate:
    """Tines' search: the name or description holds the text, or it is the case's id."""
    text = raw.strip()
    found: list[p.Predicate] = [p.TextMatch(("title", "description"), p.Pattern(text))]
    if text.isascii() and text.isdigit() and len(text) <= 18:
        found.append(p.NumberIs(int(text)))
    return p.Or(tuple(found))


def _list(name: str, items: list[str]) -> p.Predicate:
    field = f"filters[{name}]"
    if name == "priority":
        return p.EnumIn("priority", frozenset(priority_from_word(v, field).value for v in items))
    if name == "case_ids":
        return p.Or(tuple(p.NumberIs(number(v, field)) for v in items))
    if name == "assignees":
        return p.Or(tuple(p.RefIs("assignee", number=number(v, field)) for v in items))
    if name in ("assignee_emails", "author_emails"):
        column: p.RefColumn = "assignee" if name == "assignee_emails" else "creator"
        return p.Or(tuple(p.RefIs(column, name=v.lower()) for v in items))
    tags = tuple(p.AttributeMatch(TAGS_KEY, p.Pattern(v)) for v in items)
    if name == "tags":
        return p.And(tags)
    if name == "or_tags":
        return p.Or(tags)
    return p.Not(p.Or(tags))


def meta(base: str, query: CaseQuery, total: int, team: int | None) -> dict[str, Any]:
    page, per_page = query.page_number, query.page_size
    pages = max(1, -(-total // per_page))

    def url(number: int) -> str:
        params: dict[str, Any] = {"page": number, "per_page": per_page}
        if team is not None:
            params["team_id"] = team
        return f"{base}?{urlencode(params)}"

    has_next = page < pages
    return {
        "current_page": url(page),
        "previous_page": url(page - 1) if page > 1 else None,
        "next_page": url(page + 1) if has_next else None,
        "next_page_number": page + 1 if has_next else None,
        "per_page": per_page,
        "pages": pages,
        "count": total,
    }
