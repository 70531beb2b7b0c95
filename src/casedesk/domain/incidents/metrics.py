"""The durations an incident reports, computed from its timestamps.

Definitions (Datadog's, for the Create Incident response):

- customer_impact_duration = customer_impact_end - customer_impact_start
- time_to_detect = detected - customer_impact_start
- time_to_internal_response = created - detected (calling the incident after detecting it)
- time_to_repair = customer_impact_end - detected
- time_to_resolve = resolved - created

Each is whole seconds, rounded down. A duration is 0 when one of its timestamps is unknown,
and 0 when the later timestamp precedes the earlier one (an incident detected before
customers felt it took no time to detect): a "time to" is never negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


def seconds_between(start: datetime | None, end: datetime | None) -> int:
    if start is None or end is None or end <= start:
        return 0
    delta = end - start
    return delta.days * 86_400 + delta.seconds


@dataclass(frozen=True)
class IncidentTimes:
    created: datetime
    detected: datetime | None = None
    resolved: datetime | None = None
    customer_impact_start: datetime | None = None
    customer_impact_end: datetime | None = None


@dataclass(frozen=True)
class IncidentMetrics:
    customer_impact_duration: int
    time_to_detect: int
    time_to_internal_response: int
    time_to_repair: int
    time_to_resolve: int


def compute_metrics(times: IncidentTimes) -> IncidentMetrics:
    return IncidentMetrics(
        customer_impact_duration=seconds_between(times.customer_impact_start, times.customer_impact_end),
        time_to_detect=seconds_between(times.customer_impact_start, times.detected),
        time_to_internal_response=seconds_between(times.detected, times.created),
        time_to_repair=seconds_between(times.detected, times.customer_impact_end),
        time_to_resolve=seconds_between(times.created, times.resolved),
    )
