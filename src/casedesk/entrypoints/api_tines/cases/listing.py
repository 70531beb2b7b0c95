"""Tines' list parameters: `team_id`, `filters[...]` (Rails-style brackets, lists as
`filters[tags][]=a&filters[tags][]=b`), `order`, `page`, `per_page`; and the `meta` block."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from casedesk.domain.cases.closure import priority_from_word
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.vocab import CaseStatus, Priority
from casedesk.entrypoints.api_tines.mapping import number
from casedesk.services.ports.case_bundle import ORDERS, CaseListQuery

PER_PAGE_MAX = 500
PAGE_MAX = 10_000_000
LIST_FILTERS = {
    "tags": "tags",
    "and_tags": "tags",
    "or_tags": "or_tags",
    "exclude_tags": "exclude_tags",
    "excluded_tags": "exclude_tags",
    "assignee_emails": "assignee_emails",
    "author_emails": "author_emails",
}
DATE_FILTERS = {
    "start_date": "created_from",
    "end_date": "created_to",
    "updated_at_start_date": "updated_from",
    "updated_at_end_date": "updated_to",
    "resolved_at_start_date": "resolved_from",
    "resolved_at_end_date": "resolved_to",
}
VALUE_MAX = 500


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


def _date(text: str, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed(field, f"{text[:40]!r} is not an ISO 8601 timestamp") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _int(text: str, field: str, low: int, high: int) -> int:
    raw = text.strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12 or not low <= int(raw) <= high:
        raise ValidationFailed(field, f"{field} must be an integer from {low} to {high}")
    return int(raw)


def parse(params: Iterable[tuple[str, str]], me: Any) -> tuple[CaseListQuery, str | None]:
    """The query and the team number asked for (validated, not yet looked up)."""
    values: dict[str, Any] = {}
    lists: dict[str, list[str]] = {}
    metadata: list[tuple[str, str]] = []
    team: str | None = None
    for key, raw in params:
        if len(raw) > VALUE_MAX:
            raise ValidationFailed(key, f"{key} is longer than {VALUE_MAX} characters")
        if key == "team_id":
            team = str(number(raw, "team_id"))
        elif key == "page":
            values["page"] = _int(raw, "page", 1, PAGE_MAX)
        elif key == "per_page":
            values["per_page"] = _int(raw, "per_page", 1, PER_PAGE_MAX)
        elif key == "order":
            if raw.strip().upper() not in ORDERS:
                raise ValidationFailed("order", f"unknown order {raw!r}; use one of {', '.join(ORDERS)}")
            values["order"] = raw.strip().upper()
        elif key.startswith("filters["):
            name, sub = _filter_name(key)
            field = f"filters[{name}]"
            if name == "metadata" and sub:
                metadata.append((sub, raw))
            elif name in LIST_FILTERS or name in ("priority", "assignees", "case_ids"):
                lists.setdefault(name, []).extend(v for v in raw.split(",") if v.strip())
            elif name in DATE_FILTERS:
                values[DATE_FILTERS[name]] = _date(raw, field)
            elif name == "status":
                values["status"] = _status(raw, field)
            elif name == "search":
                values["search"] = raw
            elif name in ("assigned_to_me", "unassigned"):
                if _bool(raw, field):
                    values["assigned_to" if name == "assigned_to_me" else "unassigned"] = (
                        me if name == "assigned_to_me" else True
                    )
            else:
                raise ValidationFailed(field, f"unknown filter {name!r}")
        else:
            raise ValidationFailed(key, f"unknown parameter {key!r}")
    for name, items in lists.items():
        _list(values, name, [v.strip() for v in items])
    if metadata:
        values["metadata"] = tuple(metadata)
    return CaseListQuery(**values), team


def _status(raw: str, field: str) -> CaseStatus:
    word = raw.strip().upper()
    if word not in ("OPEN", "CLOSED"):
        raise ValidationFailed(field, f"unknown status {raw!r}; use OPEN or CLOSED")
    return CaseStatus(word)


def _list(values: dict[str, Any], name: str, items: list[str]) -> None:
    field = f"filters[{name}]"
    if name == "priority":
        found: list[Priority] = [priority_from_word(v, field) for v in items]
        values["priorities"] = tuple(found)
    elif name == "assignees":
        values["assignee_numbers"] = tuple(number(v, field) for v in items)
    elif name == "case_ids":
        values["case_numbers"] = tuple(number(v, field) for v in items)
    else:
        target = LIST_FILTERS[name]
        values[target] = tuple(values.get(target, ())) + tuple(items)


def meta(base: str, query: CaseListQuery, total: int, team: str | None) -> dict[str, Any]:
    pages = max(1, -(-total // query.per_page))

    def url(page: int) -> str:
        params: dict[str, Any] = {"page": page, "per_page": query.per_page}
        if team is not None:
            params["team_id"] = team
        return f"{base}?{urlencode(params)}"

    has_next = query.page < pages
    return {
        "current_page": url(query.page),
        "previous_page": url(query.page - 1) if query.page > 1 else None,
        "next_page": url(query.page + 1) if has_next else None,
        "next_page_number": query.page + 1 if has_next else None,
        "per_page": query.per_page,
        "pages": pages,
        "count": total,
    }
