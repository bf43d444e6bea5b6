from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from mm.apps.dashboard.charts import flat, live_book, numeric_metrics, pnl_sources
from mm.domain.backtest_run import ModeChange
from mm.domain.live_market import BookSample, MarketSeries, QuoteSample
from mm.domain.market_status import FillLine
from mm.domain.mode import Mode
from mm.domain.side import Side
from tests.reflection_data import aggregate

D = Decimal


def test_nested_summaries_flatten_to_dotted_names() -> None:
    assert flat({"fills": 3, "mean_markout_bps": {"1": 0.5, "10": -1}}) == {
        "fills": 3,
        "mean_markout_bps.1": 0.5,
        "mean_markout_bps.10": -1,
    }


def test_only_numbers_are_metrics() -> None:
    assert numeric_metrics([{"fills": 3, "model": "touch", "pnl": "1.5", "ok": True}]) == ["fills", "pnl"]


def test_the_live_chart_marks_fills_by_side_and_shades_each_mode() -> None:
    series = MarketSeries(
        symbol="BTC-USD",
        start_ms=0,
        end_ms=10_000,
        book=(BookSample(1_000, D(99), D(101)), BookSample(2_000, None, D(102))),
        quotes=(QuoteSample(1_500, D(98), D(103)),),
        modes=(ModeChange(0, Mode.NORMAL), ModeChange(5_000, Mode.PAUSE, ("data_gap",))),
        fills=(FillLine(3_000, Side.BUY, D(99), D(1), D(0), None, None, None),),
        gaps=(),
    )
    figure = live_book(series)
    traces = {trace["name"]: trace for trace in figure["data"]}
    assert traces["book bid"]["y"] == [99.0, None]  # a one-sided book leaves a hole, not a zero
    assert traces["buy fills"]["y"] == [99.0]
    assert traces["sell fills"]["y"] == []
    assert [(s["x0"], s["x1"]) for s in figure["layout"]["shapes"]] == [(0, 5_000), (5_000, 10_000)]


def test_pnl_by_source_stacks_to_the_net_and_leaves_unattributed_hours_blank() -> None:
    attributed = replace(aggregate(3_600_000), spread_capture=D(3), inventory_pnl=D(-1), funding_pnl=D("0.25"))
    hours = [aggregate(0), attributed]  # fees -0.4: a rebate
    figure = pnl_sources(hours, "by source")
    traces = {trace["name"]: trace["y"] for trace in figure["data"]}
    assert traces == {
        "spread capture": [None, 3.0],
        "inventory": [None, -1.0],
        "funding": [None, 0.25],
        "fees": [None, 0.4],
        "net": [None, 2.65],
    }
    assert figure["layout"]["barmode"] == "relative"
