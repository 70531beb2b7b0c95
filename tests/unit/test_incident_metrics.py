"""The durations an incident reports, from a table of timestamps to expected seconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from casedesk.domain.incidents.metrics import IncidentMetrics, IncidentTimes, compute_metrics, seconds_between

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


# (created, detected, resolved, impact start, impact end) in minutes after T0 (None: unknown)
# → (impact duration, to detect, to internal response, to repair, to resolve) in seconds.
CASES = [
    pytest.param((0, 0, None, None, None), (0, 0, 0, 0, 0), id="just-declared"),
    pytest.param((30, 10, 90, 0, 60), (3600, 600, 1200, 3000, 3600), id="whole-story"),
    pytest.param((30, 10, None, 0, None), (0, 600, 1200, 0, 0), id="impact-ongoing"),
    pytest.param((30, None, 90, 0, 60), (3600, 0, 0, 0, 3600), id="detected-unknown"),
    pytest.param((30, 10, 90, None, None), (0, 0, 1200, 0, 3600), id="no-customer-impact"),
    # Detected before customers felt it: no time was needed to detect it.
    pytest.param((30, 5, 90, 10, 60), (3000, 0, 1500, 3300, 3600), id="detected-before-impact"),
    # Declared before it was detected (imported, or a later override of `detected`).
    pytest.param((0, 10, 20, 5, 15), (600, 300, 0, 300, 1200), id="declared-before-detected"),
    pytest.param((0, 0, 0, 0, 0), (0, 0, 0, 0, 0), id="all-at-once"),
    pytest.param((0, 0, 60 * 24 * 3, 0, 60 * 24 * 2), (172800, 0, 0, 172800, 259200), id="days"),
    # Seconds are whole: fractions round down.
    pytest.param((0, 0, 1.999 / 60, None, None), (0, 0, 0, 0, 1), id="fraction-rounds-down"),
]


def times(
    created: float, detected: float | None, resolved: float | None, start: float | None, end: float | None
) -> IncidentTimes:
    return IncidentTimes(
        created=at(created),
        detected=at(detected) if detected is not None else None,
        resolved=at(resolved) if resolved is not None else None,
        customer_impact_start=at(start) if start is not None else None,
        customer_impact_end=at(end) if end is not None else None,
    )


@pytest.mark.parametrize(("moments", "expected"), CASES)
def test_metrics(
    moments: tuple[float, float | None, float | None, float | None, float | None],
    expected: tuple[int, int, int, int, int],
) -> None:
    assert compute_metrics(times(*moments)) == IncidentMetrics(*expected)


def test_seconds_between_is_never_negative_and_needs_both_ends() -> None:
    assert seconds_between(at(10), at(0)) == 0
    assert seconds_between(None, at(0)) == 0
    assert seconds_between(at(0), None) == 0
    assert seconds_between(at(0), at(0) + timedelta(days=400, seconds=7)) == 400 * 86400 + 7


def test_time_zones_do_not_matter() -> None:
    paris = at(0).astimezone(datetime.now(UTC).astimezone().tzinfo)
    assert seconds_between(paris, at(1)) == 60
