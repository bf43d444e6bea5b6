"""The outputs derived from a replay: markouts, PnL and inventory samples, mode intervals, totals."""

from __future__ import annotations

import math
from array import array
from decimal import Decimal

from mm.domain.backtest_run import ModeChange
from mm.domain.fill_enrichment import MarkoutSpec, enrich_fills
from mm.domain.fill_summary import FillRecord
from mm.domain.market_tape import BookColumns
from mm.domain.mode import Mode
from mm.domain.side import Side
from mm.usecases.backtest.results import (
    account_totals,
    backtest_fills,
    mode_intervals,
    pause_intervals,
    pnl_samples,
)

T0 = 1_723_161_000_000


def a_book(rows: list[tuple[int, float, float]]) -> BookColumns:
    """Rows of (ts offset ms, bid, ask); sizes 1."""
    return BookColumns(
        array("q", (T0 + r[0] for r in rows)),
        array("d", (r[1] for r in rows)),
        array("d", (1.0 for _ in rows)),
        array("d", (r[2] for r in rows)),
        array("d", (1.0 for _ in rows)),
    )


def a_fill(offset_ms: int, side: Side, price: str, size: str = "0.001", fee: str = "0") -> FillRecord:
    return FillRecord(
        "test", f"f{offset_ms}", "BTCUSDT", T0 + offset_ms, side, Decimal(price), Decimal(size), Decimal(fee)
    )


def test_markouts_are_the_summarizers_own_over_the_whole_book() -> None:
    book = a_book([(i * 250, 100.0 + (i % 7) * 0.1, 100.2 + (i % 7) * 0.1) for i in range(400)])
    fills = [a_fill(1_000, Side.BUY, "100.1"), a_fill(30_000, Side.SELL, "100.5"), a_fill(99_000, Side.BUY, "100")]
    spec = MarkoutSpec()
    mids = [(Decimal(repr(b)) + Decimal(repr(a))) / 2 for b, a in zip(book.bid_px, book.ask_px, strict=True)]
    spreads = [Decimal(repr(a)) - Decimal(repr(b)) for b, a in zip(book.bid_px, book.ask_px, strict=True)]
    expected = enrich_fills(fills, list(book.ts_ms), mids, spreads=spreads, spec=spec)
    assert [f.enriched for f in backtest_fills(fills, book, spec)] == expected


def test_markouts_skip_one_sided_book_rows() -> None:
    book = a_book([(0, 100.0, 100.2), (500, 100.4, math.nan), (1_000, 101.0, 101.2)])
    [fill] = backtest_fills([a_fill(600, Side.BUY, "100")], book, MarkoutSpec())
    assert fill.enriched.mid_at_fill == Decimal("100.1")


def test_each_fill_carries_the_position_it_left() -> None:
    book = a_book([(0, 100.0, 100.2)])
    fills = [a_fill(1, Side.BUY, "100", "0.002"), a_fill(2, Side.SELL, "100.2", "0.003")]
    assert [f.position_after for f in backtest_fills(fills, book, MarkoutSpec())] == [
        Decimal("0.002"),
        Decimal("-0.001"),
    ]


def test_pnl_samples_mark_the_position_to_the_mid_fees_included() -> None:
    book = a_book([(0, 100.0, 100.2), (2_000, 101.0, 101.2)])
    fills = [a_fill(500, Side.BUY, "100", "1", fee="0.01")]
    samples = pnl_samples(fills, book, T0, T0 + 3_000)
    assert [(s.ts_ms - T0, s.position, round(s.pnl or 0.0, 6)) for s in samples] == [
        (0, 0.0, 0.0),
        (1_000, 1.0, 0.09),
        (2_000, 1.0, 1.09),
        (3_000, 1.0, 1.09),
    ]


def test_mode_intervals_merge_repeats_and_last_until_the_end_of_the_data() -> None:
    changes = [
        ModeChange(T0, Mode.DEFENSIVE, ("calm_period_pending",)),
        ModeChange(T0 + 100, Mode.DEFENSIVE, ("calm_period_pending",)),
        ModeChange(T0 + 500, Mode.NORMAL),
    ]
    intervals = mode_intervals(changes, T0 + 900)
    assert [(i.start_ms - T0, i.end_ms - T0, i.mode) for i in intervals] == [
        (0, 500, Mode.DEFENSIVE),
        (500, 900, Mode.NORMAL),
    ]


def test_pause_intervals_join_pauses_whose_reasons_changed() -> None:
    changes = [
        ModeChange(T0, Mode.NORMAL),
        ModeChange(T0 + 100, Mode.PAUSE, ("stale_book",)),
        ModeChange(T0 + 200, Mode.PAUSE, ("stale_book", "feed_gap")),
        ModeChange(T0 + 300, Mode.DEFENSIVE, ("calm_period_pending",)),
        ModeChange(T0 + 400, Mode.PAUSE, ("feed_gap",)),
    ]
    assert pause_intervals(mode_intervals(changes, T0 + 450)) == [(T0 + 100, T0 + 300), (T0 + 400, T0 + 450)]


def test_account_totals_realize_pnl_at_average_cost_before_fees() -> None:
    fills = [
        a_fill(1, Side.BUY, "100", "1", fee="0.1"),
        a_fill(2, Side.BUY, "102", "1", fee="0.1"),
        a_fill(3, Side.SELL, "104", "1.5", fee="0.1"),
    ]
    totals = account_totals(fills)
    assert (totals.realized_pnl, totals.fees, totals.position, totals.max_abs_position) == (
        Decimal("4.5"),
        Decimal("0.3"),
        Decimal("0.5"),
        Decimal("2"),
    )
