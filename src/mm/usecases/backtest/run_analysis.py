"""A backtest run's PnL explained and its risk figures, from what the replay observed.

The split itself and the figures are domain functions (`pnl_attribution`, `run_risk`); this module
feeds them the run's fills, the book and the desired-quote timeline, and returns JSON-ready numbers.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from mm.domain.backtest_run import BacktestFill
from mm.domain.market_tape import BookColumns, MarketTape
from mm.domain.pnl_attribution import AttributedFill, FundingPayment, attribute_pnl, funding_paid
from mm.domain.run_risk import (
    covered_fraction,
    fill_rate,
    inventory_turnover,
    risk_figures,
    time_weighted_mean_abs,
)
from mm.usecases.backtest.replay_log import QuoteChange, ReplayCounts

MINUTE_MS = 60_000


def attributed_fills(fills: Sequence[BacktestFill]) -> list[AttributedFill]:
    out: list[AttributedFill] = []
    for backtest_fill in fills:
        enriched = backtest_fill.enriched
        fill = enriched.fill
        out.append(AttributedFill(fill.ts_ms, fill.side, fill.price, fill.size, fill.fee, enriched.mid_at_fill))
    return out


def minute_marks(
    fills: Sequence[BacktestFill],
    book: BookColumns,
    start_ms: int,
    end_ms: int,
    funding: Sequence[FundingPayment] = (),
) -> list[float]:
    """Marked PnL (fees and funding included) at the end of each minute of [start_ms, end_ms], the last one partial.

    A minute whose end has no two-sided book keeps the previous mark, so a gap shows as no change.
    """
    marks: list[float] = []
    cash = position = 0.0
    funding_total = 0.0
    fill_index = payment_index = 0
    last = 0.0
    ends = [*range(start_ms + MINUTE_MS, end_ms, MINUTE_MS), end_ms] if end_ms > start_ms else []
    for at_ms in ends:
        while fill_index < len(fills) and fills[fill_index].enriched.fill.ts_ms <= at_ms:
            fill = fills[fill_index].enriched.fill
            signed = float(fill.size) * fill.side.sign
            position += signed
            cash -= signed * float(fill.price) + float(fill.fee)
            fill_index += 1
        while payment_index < len(funding) and funding[payment_index].ts_ms <= at_ms:
            held = Decimal(repr(position))
            funding_total -= float(funding_paid(held, funding[payment_index]))
            payment_index += 1
        mid = _mid_at(book, at_ms)
        if mid is not None:
            last = cash + position * mid + funding_total
        marks.append(last)
    return marks


def _mid_at(book: BookColumns, ts_ms: int) -> float | None:
    row = bisect_right(book.ts_ms, ts_ms) - 1
    if row < 0:
        return None
    bid, ask = book.bid_px[row], book.ask_px[row]
    return None if math.isnan(bid) or math.isnan(ask) else (bid + ask) / 2


def funding_payments(tape: MarketTape) -> list[FundingPayment]:
    """Each funding settlement of the tape priced at the mark then (the mid when the tape has no mark);
    a settlement with neither is skipped (nothing to value the position at)."""
    marks = [
        (ts, px)
        for ts, is_mark, px in zip(tape.prices.ts_ms, tape.prices.is_mark, tape.prices.px, strict=True)
        if is_mark
    ]
    mark_ts = [ts for ts, _ in marks]
    payments: list[FundingPayment] = []
    for funding in tape.funding:
        row = bisect_right(mark_ts, funding.ts_ms) - 1
        price = marks[row][1] if row >= 0 else _mid_at(tape.book, funding.ts_ms)
        if price is not None:
            payments.append(FundingPayment(funding.ts_ms, funding.rate, Decimal(repr(price))))
    return payments


def two_sided_quote_intervals(quotes: Sequence[QuoteChange], end_ms: int) -> list[tuple[int, int]]:
    """[start, end) of each stretch during which the engine wanted both a bid and an ask resting."""
    intervals: list[tuple[int, int]] = []
    for index, quote in enumerate(quotes):
        if quote.bid_px is None or quote.ask_px is None:
            continue
        until = quotes[index + 1].ts_ms if index + 1 < len(quotes) else end_ms
        if intervals and intervals[-1][1] == quote.ts_ms:
            intervals[-1] = (intervals[-1][0], until)
        else:
            intervals.append((quote.ts_ms, until))
    return intervals


def run_analysis(
    *,
    fills: Sequence[BacktestFill],
    book: BookColumns,
    quotes: Sequence[QuoteChange],
    counts: ReplayCounts,
    start_ms: int,
    end_ms: int,
    final_mid: Decimal | None,
    funding: Sequence[FundingPayment] = (),
) -> dict[str, Any]:
    """The run's PnL attribution and risk figures, JSON-ready (the `summary`'s `attribution` and `risk`)."""
    attribution = attribute_pnl(attributed_fills(fills), final_mid, funding)
    figures = risk_figures(minute_marks(fills, book, start_ms, end_ms, funding))
    volume = sum((float(fill.enriched.fill.size) for fill in fills), 0.0)
    path = [(fill.enriched.fill.ts_ms, float(fill.position_after)) for fill in fills]
    mean_abs = time_weighted_mean_abs(path, start_ms, end_ms)
    return {
        "attribution": attribution.to_mapping(),
        "risk": {
            **figures.to_mapping(),
            "fill_rate": fill_rate(len(fills), counts.places + counts.replaces),
            "quote_uptime": covered_fraction(two_sided_quote_intervals(quotes, end_ms), start_ms, end_ms),
            "mean_abs_position": mean_abs,
            "inventory_turnover": inventory_turnover(volume, mean_abs),
        },
    }
