from __future__ import annotations

from mm.domain.mode import Mode
from mm.domain.mode_timeline import DecisionSample, ModeTimeline, ModeTimes

HOLD_MS = 60_000


def timeline(*decisions: tuple[int, Mode, bool]) -> ModeTimeline:
    return ModeTimeline(DecisionSample(ts_ms, mode, quoting) for ts_ms, mode, quoting in decisions)


def test_each_decision_holds_until_the_next() -> None:
    modes = timeline((0, Mode.NORMAL, True), (10_000, Mode.DEFENSIVE, True), (25_000, Mode.NORMAL, False))
    times = modes.times_between(0, 30_000, HOLD_MS)
    assert times == ModeTimes(normal_ms=15_000, defensive_ms=15_000, pause_ms=0, quoting_ms=25_000)


def test_a_decision_before_the_window_carries_into_it() -> None:
    times = timeline((-5_000, Mode.PAUSE, False)).times_between(0, 10_000, HOLD_MS)
    assert (times.pause_ms, times.pause_entries) == (10_000, 0)


def test_a_decision_holds_no_longer_than_the_hold_limit() -> None:
    times = timeline((0, Mode.NORMAL, True)).times_between(0, 120_000, HOLD_MS)
    assert (times.normal_ms, times.quoting_ms) == (60_000, 60_000)


def test_a_silence_longer_than_the_hold_limit_counts_in_no_mode() -> None:
    modes = timeline((0, Mode.NORMAL, True), (100_000, Mode.NORMAL, True))
    assert modes.times_between(0, 110_000, HOLD_MS).covered_ms == 70_000


def test_each_change_into_pause_inside_the_window_is_one_pause() -> None:
    modes = timeline(
        (0, Mode.PAUSE, False),
        (1_000, Mode.PAUSE, False),
        (2_000, Mode.NORMAL, True),
        (3_000, Mode.PAUSE, False),
        (4_000, Mode.DEFENSIVE, False),
        (5_000, Mode.PAUSE, False),
    )
    assert modes.times_between(500, 6_000, HOLD_MS).pause_entries == 2


def test_the_first_decision_ever_in_pause_is_a_pause() -> None:
    assert timeline((0, Mode.PAUSE, False)).times_between(0, 1_000, HOLD_MS).pause_entries == 1


def test_an_empty_window_has_no_time() -> None:
    assert timeline((0, Mode.NORMAL, True)).times_between(5_000, 5_000, HOLD_MS) == ModeTimes()


def test_without_decisions_no_time_is_counted() -> None:
    assert ModeTimeline([]).times_between(0, 60_000, HOLD_MS) == ModeTimes()
