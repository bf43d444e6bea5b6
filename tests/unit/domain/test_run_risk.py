"""Risk figures of a PnL path: drawdown, Sharpe, Sortino, uptime, turnover."""

from __future__ import annotations

import math

import pytest

from mm.domain.run_risk import (
    covered_fraction,
    fill_rate,
    inventory_turnover,
    max_drawdown,
    period_changes,
    risk_figures,
    sharpe_ratio,
    sortino_ratio,
    time_weighted_mean_abs,
)


def test_max_drawdown_is_the_largest_fall_from_a_running_peak() -> None:
    assert max_drawdown([1.0, 3.0, 2.0, 5.0, 1.5, 4.0]) == 3.5


def test_a_path_that_starts_by_losing_draws_down_from_zero() -> None:
    assert max_drawdown([-2.0, -1.0]) == 2.0


def test_period_changes_start_from_zero() -> None:
    assert period_changes([1.0, 3.0, 2.0]) == [1.0, 2.0, -1.0]


def test_sharpe_is_mean_over_sample_deviation() -> None:
    changes = [1.0, 2.0, 3.0]

    assert sharpe_ratio(changes) == pytest.approx(2.0 / 1.0)


def test_sortino_counts_only_losses_in_its_deviation() -> None:
    changes = [3.0, -1.0, 1.0, -1.0]

    assert sortino_ratio(changes) == pytest.approx(0.5 / math.sqrt(2 / 4))


def test_ratios_need_two_changes_and_some_spread() -> None:
    assert sharpe_ratio([1.0]) is None
    assert sharpe_ratio([1.0, 1.0]) is None
    assert sortino_ratio([1.0, 2.0]) is None


def test_risk_figures_count_the_periods() -> None:
    assert risk_figures([1.0, 0.0, 2.0]).periods == 3


def test_uptime_is_the_covered_share_of_the_span_clipped_to_it() -> None:
    assert covered_fraction([(0, 50), (80, 200)], 0, 100) == pytest.approx(0.7)


def test_mean_abs_position_weights_each_position_by_its_time() -> None:
    path = [(10, 2.0), (60, -1.0)]  # flat 10 ms, long 2 for 50 ms, short 1 for 40 ms

    assert time_weighted_mean_abs(path, 0, 100) == pytest.approx((2 * 50 + 1 * 40) / 100)


def test_turnover_and_fill_rate_are_undefined_without_a_base() -> None:
    assert inventory_turnover(5.0, 0.0) is None
    assert inventory_turnover(5.0, 2.0) == 2.5
    assert fill_rate(3, 0) is None
    assert fill_rate(3, 12) == 0.25
