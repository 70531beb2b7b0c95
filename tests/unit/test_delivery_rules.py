"""What an attempt's outcome makes of its delivery, the retry schedule, delivery ids and the
per-destination rate limits: pure rules, no database."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

import pytest

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.notifications.deliveries import (
    DEFAULT_SCHEDULE,
    DeliveryState,
    RetrySchedule,
    new_delivery_id,
    settle,
)
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.notifications.outcomes import Outcome, Result
from casedesk.services.reactions.notify.rates import RateLimits, parse_rates

NOW = datetime(2030, 1, 1, tzinfo=UTC)
SCHEDULE = RetrySchedule.parse("10s,1m")


def test_the_default_schedule_is_svix_s() -> None:
    assert RetrySchedule.parse(DEFAULT_SCHEDULE).delays == (5, 300, 1800, 7200, 18000, 36000, 36000)


def test_schedules_take_units_and_plain_seconds() -> None:
    assert RetrySchedule.parse("250ms, 2, 1.5m,1h").delays == (0.25, 2, 90, 3600)
    assert RetrySchedule.parse("").delays == ()


@pytest.mark.parametrize("text", ["5x", "-1s", "soon", "1d"])
def test_a_schedule_that_is_no_durations_is_refused(text: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        RetrySchedule.parse(text)
    assert refused.value.field == "delivery_retry_schedule"


def test_delays_are_jittered_within_fifteen_percent() -> None:
    rng = random.Random(1)
    waits = [SCHEDULE.delay(1, rng) for _ in range(500)]
    assert all(w is not None and 8.5 <= w <= 11.5 for w in waits)
    assert len(set(waits)) > 1
    assert SCHEDULE.delay(3, rng) is None


@pytest.mark.parametrize("result", [Result.DELIVERED, Result.ACCEPTED])
def test_success_delivers(result: Result) -> None:
    assert (
        settle(Outcome(result, status=202), 1, NOW, SCHEDULE, random.Random()).state
        is DeliveryState.DELIVERED
    )


def test_a_permanent_failure_is_dead_at_once_with_its_reason() -> None:
    dead = settle(Outcome(Result.PERMANENT, status=404, error="http_404"), 1, NOW, SCHEDULE, random.Random())
    assert dead.state is DeliveryState.DEAD
    assert dead.reason == "http_404"
    assert dead.next_attempt_at is None
    unnamed = settle(Outcome(Result.PERMANENT, status=403), 1, NOW, SCHEDULE, random.Random())
    assert unnamed.reason == "http_403"


def test_a_transient_failure_waits_for_the_schedule() -> None:
    retry = settle(Outcome(Result.TRANSIENT, status=500), 2, NOW, SCHEDULE, random.Random(3))
    assert retry.state is DeliveryState.FAILED
    assert retry.next_attempt_at is not None
    assert timedelta(seconds=51) <= retry.next_attempt_at - NOW <= timedelta(seconds=69)


def test_retry_after_replaces_the_schedule_s_wait() -> None:
    retry = settle(Outcome(Result.TRANSIENT, status=429, retry_after=2.0), 1, NOW, SCHEDULE, random.Random())
    assert retry.next_attempt_at == NOW + timedelta(seconds=2)


def test_a_spent_schedule_is_dead_as_exhausted() -> None:
    dead = settle(Outcome(Result.TRANSIENT, retry_after=1.0), 3, NOW, SCHEDULE, random.Random())
    assert dead.state is DeliveryState.DEAD
    assert dead.reason == "exhausted"


def test_delivery_ids_are_ulids_that_sort_by_time() -> None:
    first = new_delivery_id(now_ms=1_700_000_000_000)
    later = new_delivery_id(now_ms=1_700_000_000_001)
    assert re.fullmatch(r"msg_[0-9A-HJKMNP-TV-Z]{26}", first)
    assert first < later
    assert new_delivery_id() != new_delivery_id()


def test_rates_queue_sends_per_destination() -> None:
    limits = RateLimits(parse_rates("slack=1/s,pagerduty=120/m"))
    assert limits.reserve(ChannelKind.SLACK, "slack:a/b", 100.0) == 0.0
    assert limits.reserve(ChannelKind.SLACK, "slack:a/b", 100.0) == pytest.approx(1.0)
    assert limits.reserve(ChannelKind.SLACK, "slack:a/b", 100.2) == pytest.approx(1.8)
    assert limits.reserve(ChannelKind.SLACK, "slack:a/c", 100.2) == 0.0  # another channel
    limits.release(ChannelKind.SLACK, "slack:a/b")
    assert limits.reserve(ChannelKind.SLACK, "slack:a/b", 100.2) == pytest.approx(1.8)
    assert limits.reserve(ChannelKind.PAGERDUTY, "pagerduty:x", 0.0) == 0.0
    assert limits.reserve(ChannelKind.PAGERDUTY, "pagerduty:x", 0.0) == pytest.approx(0.5)
    assert limits.reserve(ChannelKind.WEBHOOK, "webhook:w", 0.0) == 0.0
    assert limits.reserve(ChannelKind.WEBHOOK, "webhook:w", 0.0) == 0.0


def test_rates_can_be_configured_and_lifted() -> None:
    assert parse_rates("teams=4/s, webhook=10/m, slack=0") == {
        ChannelKind.TEAMS: 4.0,
        ChannelKind.WEBHOOK: pytest.approx(1 / 6),
    }
    for text in ("fax=1/s", "slack=fast", "slack=0/s"):
        with pytest.raises(ValidationFailed):
            parse_rates(text)
