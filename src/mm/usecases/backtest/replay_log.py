"""What a replay observed: fills, mode changes, desired-quote changes and counts. Values, no I/O.

The replay loop appends to a `ReplayLog` as it goes; everything a report or a run record shows is
derived from it afterwards, so the loop itself stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from mm.domain.backtest_run import ModeChange
from mm.domain.decision_record import DecisionRecord
from mm.domain.fill_summary import FillRecord
from mm.domain.quoting import DesiredQuote
from mm.domain.value import value


@value(frozen=True)
class QuoteChange:
    """From `ts_ms` on, the engine wanted these quotes resting (None: no order on that side)."""

    ts_ms: int
    bid_px: Decimal | None
    bid_sz: Decimal | None
    ask_px: Decimal | None
    ask_sz: Decimal | None

    @staticmethod
    def of(ts_ms: int, bid: DesiredQuote | None, ask: DesiredQuote | None) -> QuoteChange:
        return QuoteChange(
            ts_ms,
            bid.price if bid is not None else None,
            bid.size if bid is not None else None,
            ask.price if ask is not None else None,
            ask.size if ask is not None else None,
        )


@dataclass(slots=True)
class ReplayCounts:
    """How much happened: rows replayed, decisions made, requests sent and how the venue answered."""

    rows: int = 0
    ticks: int = 0
    places: int = 0
    replaces: int = 0
    cancels: int = 0
    cancel_alls: int = 0
    post_only_rejects: int = 0
    failed_requests: int = 0
    history_trades_skipped: int = 0
    skipped_ticks: int = 0
    """Ticks (counted in `ticks`) whose inputs were the last tick's: the engine reused its output."""


@dataclass(slots=True)
class ReplayLog:
    """Everything one replay observed, in time order."""

    fills: list[FillRecord] = field(default_factory=list)
    modes: list[ModeChange] = field(default_factory=list)
    quotes: list[QuoteChange] = field(default_factory=list)
    decisions: list[DecisionRecord] = field(default_factory=list)
    counts: ReplayCounts = field(default_factory=ReplayCounts)
