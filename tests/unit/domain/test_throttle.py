"""The tick throttle: event-driven, at most every min interval, at least every max interval."""

from __future__ import annotations

import pytest

from mm.domain.throttle import TickThrottle


def ticked_at(now_ms: int, min_ms: int = 50, max_ms: int = 1_000) -> TickThrottle:
    throttle = TickThrottle(min_ms, max_ms)
    throttle.mark_ticked(now_ms)
    return throttle


def test_the_first_event_ticks_at_once() -> None:
    assert TickThrottle(50, 1_000).on_event(0)


def test_an_event_after_the_min_interval_ticks_at_once() -> None:
    assert ticked_at(1_000).on_event(1_050)


def test_an_event_within_the_min_interval_is_held() -> None:
    throttle = ticked_at(1_000)
    assert not throttle.on_event(1_049)
    assert throttle.is_pending


def test_a_held_event_is_due_at_the_end_of_the_min_interval() -> None:
    throttle = ticked_at(1_000)
    throttle.on_event(1_010)
    assert throttle.next_due_ms() == 1_050
    assert not throttle.is_due(1_049)
    assert throttle.is_due(1_050)


def test_without_events_a_tick_is_due_after_the_max_interval() -> None:
    throttle = ticked_at(1_000)
    assert throttle.next_due_ms() == 2_000
    assert not throttle.is_due(1_999)
    assert throttle.is_due(2_000)


def test_a_burst_of_events_costs_one_tick() -> None:
    throttle = ticked_at(1_000)
    ticks = sum(throttle.on_event(1_000 + i) for i in range(1, 50))
    assert ticks == 0
    assert throttle.next_due_ms() == 1_050


def test_ticking_clears_the_held_event() -> None:
    throttle = ticked_at(1_000)
    throttle.on_event(1_010)
    throttle.mark_ticked(1_050)
    assert not throttle.is_pending
    assert throttle.next_due_ms() == 2_050


def test_nothing_is_scheduled_before_the_first_tick() -> None:
    throttle = TickThrottle(50, 1_000)
    assert throttle.next_due_ms() is None
    assert throttle.is_due(0)


def test_a_min_interval_above_the_max_is_refused() -> None:
    with pytest.raises(ValueError, match="min"):
        TickThrottle(2_000, 1_000)
