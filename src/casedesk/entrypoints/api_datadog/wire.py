"""What every part of the Datadog dialect shares on the wire: the base of its request models
and how it writes times (timestamps are read with `entrypoints/http/timestamps.py`)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

# Lengths of the request members several resources share: ids and vocabulary words, names,
# and the query text of views and maintenance windows.
ID_MAX = 100
NAME_MAX = 1000
QUERY_MAX = 10_000


class Wire(BaseModel):
    """Unknown members are ignored, as JSON:API servers do."""

    model_config = ConfigDict(extra="ignore", strict=True)


def iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None
