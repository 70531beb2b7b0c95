"""What every part of the Tines dialect shares on the wire: ids are positive 64-bit integers
(a case is named by its number), and times are written in UTC with a `Z` (they are read with
`entrypoints/http/timestamps.py`)."""

from __future__ import annotations

from datetime import datetime

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import CaseRef

NUMBER_MAX = 10**18


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def number(text: str, field: str) -> int:
    raw = text.strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18 or not 0 < int(raw) < NUMBER_MAX:
        raise ValidationFailed(field, f"{text[:40]!r} is not an id (a positive integer)")
    return int(raw)


def case_ref(text: str, field: str = "case_id") -> CaseRef:
    return CaseRef(number=number(text, field))
