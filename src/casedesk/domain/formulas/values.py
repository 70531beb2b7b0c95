"""What formula values mean: truthiness, equality, ordering, text, and the checks behind
SIZE, IS_BLANK, IS_EMPTY and INCLUDES. Values are JSON-like (None, booleans, numbers, text,
lists, dicts)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

TEXT_MAX = 100_000  # characters in any text a formula builds
NUMBER_MAX = 1e15  # magnitude of any number a formula builds


class FormulaError(Exception):
    """The formula cannot be parsed, or cannot be evaluated on this context."""


def truthy(value: Any) -> bool:
    return value is not False and value is not None


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_number(value: Any) -> float | int | None:
    """Numbers, and text that reads as a number; None otherwise."""
    if is_number(value):
        return value  # type: ignore[no-any-return]
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def kind_of(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "boolean"
    if is_number(value):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "array"
    return "object"


def equal(left: Any, right: Any) -> bool:
    if is_number(left) and is_number(right):
        return bool(left == right)
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if (is_number(left) and isinstance(right, str)) or (isinstance(left, str) and is_number(right)):
        a, b = as_number(left), as_number(right)
        return a is not None and b is not None and a == b
    if type(left) is not type(right):
        return False
    return bool(left == right)


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return value
    if is_number(value):
        return str(value)
    raise FormulaError(f"cannot join {kind_of(value)} as text")


def checked_number(value: float | int) -> float | int:
    if (isinstance(value, float) and not math.isfinite(value)) or abs(value) > NUMBER_MAX:
        raise FormulaError("number out of range")
    return value


def checked_text(value: str) -> str:
    if len(value) > TEXT_MAX:
        raise FormulaError(f"text longer than {TEXT_MAX} characters")
    return value


def blank(value: Any) -> bool:
    if value is None or value is False:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | dict):
        return not value
    return False


def size(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, str | list | dict):
        return len(value)
    raise FormulaError(f"SIZE needs text, an array or an object, not {kind_of(value)}")


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str | list | dict):
        return not value
    raise FormulaError(f"IS_EMPTY needs text, an array or an object, not {kind_of(value)}")


def includes(container: Any, value: Any) -> bool:
    """Text contains text; an array holds the value. Array items that are objects also match
    by their `name` or `email` member, so `INCLUDES(team_case.tags, "login")` works on tag
    objects and `INCLUDES(team_case.assignees, "ann@example.com")` on user objects."""
    if container is None:
        return False
    if isinstance(container, str):
        return text_of(value) in container
    if isinstance(container, list):
        for item in container:
            if equal(item, value):
                return True
            if isinstance(item, dict) and any(equal(item.get(k), value) for k in ("name", "email")):
                return True
        return False
    if isinstance(container, dict):
        return isinstance(value, str) and value in container
    raise FormulaError(f"INCLUDES needs text, an array or an object, not {kind_of(container)}")


COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    ">": lambda x, y: bool(x > y),
    ">=": lambda x, y: bool(x >= y),
    "<": lambda x, y: bool(x < y),
    "<=": lambda x, y: bool(x <= y),
}


def compare(operator: str, left: Any, right: Any) -> bool:
    """Numbers (and number-like text) by value, other text by character order."""
    a, b = as_number(left), as_number(right)
    if a is not None and b is not None:
        return COMPARISONS[operator](a, b)
    if isinstance(left, str) and isinstance(right, str):
        return COMPARISONS[operator](left, right)
    raise FormulaError(f"cannot compare {kind_of(left)} with {kind_of(right)}")
