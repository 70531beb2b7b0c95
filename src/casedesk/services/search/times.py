"""Times in queries: `now`, `now-7d`, `now+2h`, `2026-01-31`, `2026-01-31T10:00:00Z`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

RELATIVE = re.compile(r"^now(?:([+-])(\d{1,6})([smhdwMy]))?$")
UNITS = {
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
    # Calendar months and years vary; queries use the usual 30 and 365 days.
    "M": timedelta(days=30),
    "y": timedelta(days=365),
}


@dataclass(frozen=True)
class TimeValue:
    """A point in time, and whether the text named a whole day (`2026-01-31`)."""

    at: datetime
    whole_day: bool = False

    @property
    def day_end(self) -> datetime:
        # The last representable day ends at the end of time rather than overflowing.
        if self.at.date() == date.max:
            return datetime.max.replace(tzinfo=UTC)
        return self.at + timedelta(days=1)


def parse_time(text: str, now: datetime) -> TimeValue | None:
    match = RELATIVE.match(text)
    if match:
        sign, amount, unit = match.groups()
        if sign is None:
            return TimeValue(now)
        offset = UNITS[unit] * int(amount)
        try:
            return TimeValue(now + offset if sign == "+" else now - offset)
        except OverflowError:
            return None  # before year 1 or after 9999: not a time we can compare with
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        return TimeValue(datetime.combine(day, time(), tzinfo=UTC), whole_day=True)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    try:
        return TimeValue(moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC))
    except OverflowError:
        return None  # its offset takes it out of the years 1 to 9999 in UTC
