"""Counting requests per key in fixed windows (the HTTP rate limit's arithmetic)."""

from __future__ import annotations

from casedesk.entrypoints.http.rate_limit import FixedWindows


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_key_gets_its_limit_in_each_window_and_is_told_when_the_window_ends() -> None:
    clock = Clock(120.0 + 45.5)
    windows = FixedWindows(limit=2, period=60, clock=clock)
    first, second, third = (windows.take("a") for _ in range(3))
    assert (first.allowed, first.remaining) == (True, 1)
    assert (second.allowed, second.remaining) == (True, 0)
    assert (third.allowed, third.remaining, third.reset) == (False, 0, 15)
    assert windows.take("b").allowed
    clock.now = 180.0
    renewed = windows.take("a")
    assert (renewed.allowed, renewed.remaining, renewed.reset) == (True, 1, 60)


def test_past_the_most_keys_a_window_tracks_new_keys_share_one_count() -> None:
    windows = FixedWindows(limit=1, period=60, clock=Clock(0.0), max_keys=2)
    assert windows.take("a").allowed
    assert windows.take("b").allowed
    assert windows.take("c").allowed  # the shared count's first request
    assert not windows.take("d").allowed
    assert not windows.take("a").allowed  # a tracked key keeps its own count
