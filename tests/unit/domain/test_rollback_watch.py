from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from mm.domain.bucket_summary import BucketSummary
from mm.domain.market_summary import ROLLBACK_METRICS
from mm.domain.param_gate import Comparison, RollbackCondition
from mm.domain.reflection_window import HOUR_MS, ReflectionWindow
from mm.domain.rollback_watch import (
    METRIC_SHAPES,
    Crossing,
    RollbackWatchPolicy,
    check_rollback,
    observation_window,
)
from tests.reflection_data import HOUR_0_MS, aggregate, worst_fill

MINUTE_MS = 60_000
POLICY = RollbackWatchPolicy()
MARKOUT_BELOW = RollbackCondition("mean_markout_10s_bps", Comparison.BELOW, -3.5)


def minutes(count: int, *, start_ms: int = HOUR_0_MS, **overrides: object) -> list[BucketSummary]:
    """`count` one-minute buckets, each a full minute of NORMAL trading with 2 fills at -1 bps."""
    base = replace(
        aggregate(fill_count=2, mean_markout_10s_bps="-1"),
        time_normal_s=Decimal(60),
        time_defensive_s=Decimal(0),
        time_pause_s=Decimal(0),
    )
    return [replace(base, bucket_start_ms=start_ms + i * MINUTE_MS, **overrides) for i in range(count)]  # type: ignore[arg-type]


def test_the_window_starts_at_the_first_whole_minute_after_the_change() -> None:
    assert observation_window(HOUR_0_MS + 1, HOUR_0_MS + 30 * MINUTE_MS, POLICY) == ReflectionWindow(
        HOUR_0_MS + MINUTE_MS, HOUR_0_MS + 30 * MINUTE_MS
    )


def test_a_change_on_a_minute_boundary_is_watched_from_that_minute() -> None:
    window = observation_window(HOUR_0_MS, HOUR_0_MS + 5 * MINUTE_MS, POLICY)
    assert window is not None
    assert window.start_ms == HOUR_0_MS


def test_there_is_no_window_before_the_first_whole_minute_starts() -> None:
    assert observation_window(HOUR_0_MS + 1, HOUR_0_MS + MINUTE_MS, POLICY) is None


def test_the_window_covers_at_most_the_last_hour() -> None:
    now_ms = HOUR_0_MS + 3 * HOUR_MS + 30_000
    window = observation_window(HOUR_0_MS, now_ms, POLICY)
    assert window == ReflectionWindow(HOUR_0_MS + 2 * HOUR_MS + MINUTE_MS, now_ms)


def test_without_buckets_nothing_triggers_and_every_condition_waits() -> None:
    conditions = (MARKOUT_BELOW, RollbackCondition("fill_count", Comparison.BELOW, 5))
    check = check_rollback(conditions, [], [], POLICY)
    assert (check.should_roll_back, check.waiting) == (False, conditions)


def test_a_mean_crossed_over_enough_trading_triggers() -> None:
    check = check_rollback((MARKOUT_BELOW,), minutes(15, mean_markout_10s_bps=Decimal(-4)), [], POLICY)
    assert check.triggered == (Crossing(MARKOUT_BELOW, -4.0),)


def test_a_mean_crossed_over_too_little_trading_waits() -> None:
    check = check_rollback((MARKOUT_BELOW,), minutes(14, mean_markout_10s_bps=Decimal(-4)), [], POLICY)
    assert (check.should_roll_back, check.waiting) == (False, (MARKOUT_BELOW,))


def test_a_mean_not_crossed_over_enough_trading_holds() -> None:
    check = check_rollback((MARKOUT_BELOW,), minutes(15), [], POLICY)
    assert (check.triggered, check.waiting) == ((), ())


def test_a_mean_nothing_measured_waits_even_after_a_whole_hour() -> None:
    check = check_rollback((MARKOUT_BELOW,), minutes(60, fill_count=0, mean_markout_10s_bps=None), [], POLICY)
    assert check.waiting == (MARKOUT_BELOW,)


def test_a_count_crossed_upwards_triggers_at_once_because_more_trading_cannot_undo_it() -> None:
    too_many_pauses = RollbackCondition("pause_count", Comparison.ABOVE, 2)
    check = check_rollback((too_many_pauses,), minutes(2, pause_count=2), [], POLICY)
    assert check.triggered == (Crossing(too_many_pauses, 4.0),)


def test_a_count_below_its_floor_waits_for_a_whole_hour() -> None:
    too_few_fills = RollbackCondition("fill_count", Comparison.BELOW, 200)
    check = check_rollback((too_few_fills,), minutes(50), [], POLICY)
    assert (check.should_roll_back, check.waiting) == (False, (too_few_fills,))


def test_a_count_below_its_floor_over_nearly_a_whole_hour_of_trading_triggers() -> None:
    too_few_fills = RollbackCondition("fill_count", Comparison.BELOW, 200)
    check = check_rollback((too_few_fills,), minutes(55), [], POLICY)
    assert check.triggered == (Crossing(too_few_fills, 110.0),)


def test_the_worst_markout_crossed_downwards_triggers_at_once() -> None:
    worst_below = RollbackCondition("worst_markout_10s_bps", Comparison.BELOW, -8)
    check = check_rollback((worst_below,), minutes(1), [worst_fill(markout_10s_bps="-9")], POLICY)
    assert check.triggered == (Crossing(worst_below, -9.0),)


def test_pnl_waits_for_a_whole_hour_even_when_crossed() -> None:
    losing = RollbackCondition("realized_pnl", Comparison.BELOW, 0)
    check = check_rollback((losing,), minutes(30, realized_pnl=Decimal(-1)), [], POLICY)
    assert check.waiting == (losing,)


def test_pnl_crossed_over_a_whole_hour_triggers() -> None:
    losing = RollbackCondition("realized_pnl", Comparison.BELOW, -50)
    check = check_rollback((losing,), minutes(60, realized_pnl=Decimal(-1)), [], POLICY)
    assert check.triggered == (Crossing(losing, -60.0),)


def test_the_audit_reason_names_the_condition_the_measurement_and_the_trading_observed() -> None:
    check = check_rollback((MARKOUT_BELOW,), minutes(20, mean_markout_10s_bps=Decimal("-4.25")), [], POLICY)
    assert check.reasons() == (
        "mean_markout_10s_bps below -3.5: measured -4.25 over 1200 s of trading since the change",
    )


def test_every_rollback_metric_has_a_shape() -> None:
    assert set(METRIC_SHAPES) == set(ROLLBACK_METRICS)


def test_a_policy_needing_more_than_its_horizon_before_judging_a_mean_is_refused() -> None:
    with pytest.raises(ValueError, match="min_observed_s"):
        RollbackWatchPolicy(min_observed_s=3601)
