"""What every part of the Datadog dialect shares on the wire: the base of its request models
and how it writes times (timestamps are read with `entrypoints/http/timestamps.py`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError

# Lengths of the request members several resources share: ids and vocabulary words, names,
# and the query text of views and maintenance windows.
ID_MAX = 100
NAME_MAX = 1000
QUERY_MAX = 10_000


class Wire(BaseModel):
    """Unknown members are ignored, as JSON:API servers do. Known members take their JSON type
    and no other (strict): `0` is not `false`, `"1"` is not `1`, `true` is not a string."""

    model_config = ConfigDict(extra="ignore", strict=True)


def one_of(*choices: int) -> Callable[[int], int]:
    """A check for an integer enumeration, used with `StrictInt`: `Literal[1, 2]` would take
    `true` and `1.0` for 1, even in strict mode."""

    def check(value: int) -> int:
        if value not in choices:
            expected = ", ".join(map(str, choices))
            raise PydanticCustomError(
                "literal_error", "Input should be one of {expected}", {"expected": expected}
            )
        return value

    return check


def iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None
