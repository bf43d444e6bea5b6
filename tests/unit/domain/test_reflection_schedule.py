from __future__ import annotations

import pytest

from mm.domain.reflection_schedule import ReflectionSchedule
from mm.domain.reflection_window import HOUR_MS, ReflectionWindow

H = 1_767_225_600_000  # 2026-01-01T00:00Z
SETTLE_MS = 120_000


def _schedule(catch_up: int = 1) -> ReflectionSchedule:
    return ReflectionSchedule(window_ms=HOUR_MS, settle_ms=SETTLE_MS, catch_up=catch_up)


def test_an_hour_is_closed_only_once_its_settle_delay_has_passed() -> None:
    window = ReflectionWindow(H, H + HOUR_MS)
    assert [_schedule().is_closed(window, H + HOUR_MS + d) for d in (0, SETTLE_MS - 1, SETTLE_MS)] == [
        False,
        False,
        True,
    ]


def test_just_after_the_hour_the_closed_window_is_the_hour_before() -> None:
    assert _schedule().closed_windows(H + 2 * HOUR_MS + 30_000) == (ReflectionWindow(H, H + HOUR_MS),)


def test_after_the_settle_delay_the_hour_just_ended_is_closed() -> None:
    assert _schedule().closed_windows(H + 2 * HOUR_MS + SETTLE_MS) == (ReflectionWindow(H + HOUR_MS, H + 2 * HOUR_MS),)


def test_catching_up_lists_the_newest_closed_windows_oldest_first() -> None:
    ends = [w.end_ms for w in _schedule(catch_up=3).closed_windows(H + 10 * HOUR_MS + SETTLE_MS)]
    assert ends == [H + 8 * HOUR_MS, H + 9 * HOUR_MS, H + 10 * HOUR_MS]


@pytest.mark.parametrize("now_offset_ms", [SETTLE_MS, SETTLE_MS + 1, 30 * 60_000, HOUR_MS + SETTLE_MS - 1])
def test_the_next_run_is_the_next_hour_plus_the_delay_whenever_asked(now_offset_ms: int) -> None:
    assert _schedule().next_run_ms(H + now_offset_ms) == H + HOUR_MS + SETTLE_MS


def test_minute_windows_are_aligned_to_the_minute() -> None:
    schedule = ReflectionSchedule(window_ms=60_000, settle_ms=75_000, catch_up=5)
    now_ms = H + 11 * 60_000 + 75_000  # 75 s after 00:11: 00:10-00:11 is the newest closed minute
    assert schedule.closed_windows(now_ms)[-1] == ReflectionWindow(H + 10 * 60_000, H + 11 * 60_000)
    assert schedule.next_run_ms(now_ms) == H + 12 * 60_000 + 75_000


@pytest.mark.parametrize(
    ("window_ms", "settle_ms", "catch_up"), [(30_000, 60_000, 1), (HOUR_MS, 59_999, 1), (HOUR_MS, 60_000, 0)]
)
def test_a_schedule_that_could_read_unsettled_markouts_or_partial_minutes_is_refused(
    window_ms: int, settle_ms: int, catch_up: int
) -> None:
    with pytest.raises(ValueError, match="must be"):
        ReflectionSchedule(window_ms=window_ms, settle_ms=settle_ms, catch_up=catch_up)
