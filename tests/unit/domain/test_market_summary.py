from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from mm.domain.market_summary import metric_value, summarize_market
from tests.reflection_data import HOUR_0_MS, aggregate, worst_fill


def test_mean_markouts_are_weighted_by_fill_count() -> None:
    summary = summarize_market(
        [aggregate(fill_count=30, mean_markout_10s_bps="-2"), aggregate(fill_count=10, mean_markout_10s_bps="2")], []
    )
    assert summary.mean_markout_10s_bps == pytest.approx(-1.0)


def test_a_bucket_without_a_mean_markout_does_not_dilute_the_others() -> None:
    summary = summarize_market(
        [aggregate(fill_count=5, mean_markout_10s_bps="-3"), aggregate(fill_count=50, mean_markout_10s_bps=None)], []
    )
    assert summary.mean_markout_10s_bps == pytest.approx(-3.0)


def test_no_aggregates_give_no_means_and_zero_counts() -> None:
    summary = summarize_market([], [])
    assert (summary.fill_count, summary.mean_markout_10s_bps, summary.quote_uptime, summary.pause_fraction) == (
        0,
        None,
        None,
        None,
    )


def test_max_abs_inventory_is_the_largest_excursion_either_way() -> None:
    assert summarize_market([aggregate(inventory_max="0.002")], []).max_abs_inventory == pytest.approx(0.003)


def test_pause_fraction_is_pause_time_over_all_mode_time() -> None:
    paused = replace(aggregate(), time_normal_s=Decimal(2700), time_defensive_s=Decimal(0), time_pause_s=Decimal(900))
    assert summarize_market([paused], []).pause_fraction == pytest.approx(0.25)


def test_the_worst_10s_markout_comes_from_the_worst_fills() -> None:
    fills = [worst_fill("a", HOUR_0_MS, "-3"), worst_fill("b", HOUR_0_MS + 1, "-12.5")]
    assert summarize_market([], fills).worst_markout_10s_bps == pytest.approx(-12.5)


def test_metric_value_refuses_a_name_that_is_not_a_summary_metric() -> None:
    with pytest.raises(KeyError):
        metric_value(summarize_market([], []), "leverage")
