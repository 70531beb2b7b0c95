"""Refuses text the databases cannot store, before anything else reads it.

PostgreSQL rejects NUL characters in text and JSONB, and no database can store a lone
UTF-16 surrogate (JSON allows `"\\ud800"`). Left alone, both would surface as driver errors
deep in a transaction; here they become a 400 that points at the offending value, on every
backend alike.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError


def bad_text(value: str) -> bool:
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def find_bad_text(document: Any) -> tuple[str, ...] | None:
    """The path to the first string (or object key) that cannot be stored, if any.

    Iterative, so a deeply nested document cannot exhaust the interpreter's stack."""
    pending: list[tuple[tuple[str, ...], Any]] = [((), document)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if bad_text(value):
                return path
        elif isinstance(value, dict):
            for key in value:
                if bad_text(key):
                    return (*path, key.encode("utf-8", "replace").decode().replace("\x00", "\\u0000"))
            pending.extend(((*path, key), item) for key, item in reversed(list(value.items())))
        elif isinstance(value, list):
            pending.extend(((*path, str(i)), item) for i, item in reversed(list(enumerate(value))))
    return None


def refusal(loc: tuple[str, ...]) -> RequestValidationError:
    return RequestValidationError(
        [
            {
                "type": "string_unstorable",
                "loc": loc,
                "msg": "text must be valid Unicode without NUL characters",
                "input": None,
            }
        ]
    )


async def reject_unstorable_text(request: Request) -> None:
    for name, value in request.query_params.multi_items():
        if bad_text(value):
            raise refusal(("query", name))
    body = await request.body()  # cached by Starlette, so the route parses the same bytes
    if not body:
        return
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return  # the route's own parsing reports malformed JSON
    found = find_bad_text(document)
    if found is not None:
        raise refusal(("body", *found))
