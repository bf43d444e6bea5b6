"""The run analysis's inputs: per-minute marks from fills and the book, and the two-sided quote stretches."""

from __future__ import annotations

from array import array
from decimal import Decimal

from mm.domain.backtest_run import BacktestFill
from mm.domain.fill_summary import EnrichedFill, FillRecord
from mm.domain.market_tape import BookColumns, FundingRate, MarketTape, PriceColumns
from mm.domain.pnl_attribution import FundingPayment
from mm.domain.side import Side
from mm.usecases.backtest.replay_log import QuoteChange, ReplayCounts
from mm.usecases.backtest.run_analysis import funding_payments, minute_marks, run_analysis, two_sided_quote_intervals

D = Decimal


def book(rows: list[tuple[int, float, float]]) -> BookColumns:
    return BookColumns(
        array("q", [r[0] for r in rows]),
        array("d", [r[1] for r in rows]),
        array("d", [1.0] * len(rows)),
        array("d", [r[2] for r in rows]),
        array("d", [1.0] * len(rows)),
    )


def bought(ts_ms: int, price: str, size: str, position_after: str) -> BacktestFill:
    record = FillRecord("x", f"f{ts_ms}", "BTC", ts_ms, Side.BUY, D(price), D(size), D(0))
    return BacktestFill(EnrichedFill(record, D(price), D(0), None, None, None), D(position_after))


def test_minute_marks_value_the_position_at_each_minute_end_with_funding() -> None:
    tape_book = book([(0, 99.0, 101.0), (90_000, 104.0, 106.0)])
    fills = [bought(30_000, "100", "2", "2")]
    funding = [FundingPayment(100_000, D("0.01"), D("100"))]

    marks = minute_marks(fills, tape_book, 0, 190_000, funding)

    # mid 100 at 60 s; by 120 s the mid is 105 on 2 bought at 100 (+10) and funding paid 2 * 0.01 * 100
    assert marks == [0.0, 8.0, 8.0, 8.0]


def test_two_sided_stretches_merge_and_skip_one_sided_quotes() -> None:
    quotes = [
        QuoteChange(0, D(99), D(1), D(101), D(1)),
        QuoteChange(10, D(98), D(1), D(102), D(1)),
        QuoteChange(20, None, None, D(102), D(1)),
        QuoteChange(30, D(98), D(1), D(102), D(1)),
    ]

    assert two_sided_quote_intervals(quotes, 50) == [(0, 20), (30, 50)]


def test_funding_is_priced_at_the_mark_and_else_at_the_mid() -> None:
    tape = MarketTape(
        "x",
        "BTC",
        book([(0, 99.0, 101.0)]),
        prices=PriceColumns(array("q", [0, 500]), array("b", [0, 1]), array("d", [90.0, 102.0])),
        funding=(FundingRate(100, D("0.001")), FundingRate(1_000, D("0.002"))),
    )

    assert funding_payments(tape) == [
        FundingPayment(100, D("0.001"), D("100.0")),  # no mark yet (the first price is an index): the mid
        FundingPayment(1_000, D("0.002"), D("102.0")),
    ]


def test_a_held_position_is_charged_its_funding_in_the_run_analysis() -> None:
    tape_book = book([(0, 99.0, 101.0)])
    fills = [bought(1_000, "100", "2", "2")]
    funding = [FundingPayment(3_600_000, D("0.0001"), D("100"))]

    analysis = run_analysis(
        fills=fills,
        book=tape_book,
        quotes=[],
        counts=ReplayCounts(),
        start_ms=0,
        end_ms=4_000_000,
        final_mid=D(100),
        funding=funding,
    )

    assert D(analysis["attribution"]["funding"]) == D("-0.02")
    assert D(analysis["attribution"]["total"]) == D("-0.02")
