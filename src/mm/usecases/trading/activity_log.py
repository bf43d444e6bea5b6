"""The executor's lines for a person watching it trade: mode changes, fills, quotes and a periodic status.

The decision log (`ex_decision`) keeps everything for analysis; these few canonical events are what an
operator reads in a terminal: why the mode changed, each fill with the position after it, one status line per
market every `status_interval_ms`. Quote changes are DEBUG: they happen many times a second.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import structlog

from mm.domain.decision_record import DecisionRecord
from mm.domain.orders import FillEvent
from mm.usecases.trading.quote_engine import QuoteEngine

_log = structlog.get_logger(__name__)


class ActivityLog:
    """Turns what the executor does into the few log events a person needs, per market."""

    def __init__(self, status_interval_ms: int = 60_000) -> None:
        if status_interval_ms <= 0:
            raise ValueError("status_interval_ms must be positive")
        self._status_interval_ms = status_interval_ms
        self._next_status_ms: int | None = None
        self._quotes: dict[str, tuple[Decimal | None, Decimal | None]] = {}
        self._fills: Counter[str] = Counter()
        self._races: Counter[tuple[str, str]] = Counter()

    def decision(self, record: DecisionRecord) -> None:
        """Log a mode change with its causes (INFO) and a change of the wanted quotes (DEBUG)."""
        if record.mode != record.prev_mode:
            _log.info(
                "mode_changed",
                symbol=record.symbol,
                mode=record.mode,
                previous=record.prev_mode,
                because=list(record.reasons),
            )
        quotes = (record.bid_px, record.ask_px)
        if self._quotes.get(record.symbol) != quotes:
            self._quotes[record.symbol] = quotes
            _log.debug("quotes_changed", symbol=record.symbol, bid=_text(record.bid_px), ask=_text(record.ask_px))

    def fill(self, engine: QuoteEngine, event: FillEvent) -> None:
        """Log one of our fills with the position it left (call after the engine applied it)."""
        fill = event.fill
        self._fills[fill.symbol] += 1
        _log.info(
            "fill_received",
            symbol=fill.symbol,
            side=fill.side.value,
            price=str(fill.price),
            size=str(fill.size),
            fee=str(fill.fee),
            position_after=engine.position,
            fills_today=self._fills[fill.symbol],
        )

    def expected_race(self, symbol: str, command: str) -> None:
        """A request that named an order the venue had just filled or cancelled: routine, counted, INFO."""
        self._races[(symbol, command)] += 1
        _log.info("order_already_gone", symbol=symbol, command=command, count=self._races[(symbol, command)])

    def status_due(self, now_ms: int) -> bool:
        """Whether the periodic status line is due; the first is one interval after the first ask."""
        if self._next_status_ms is None:
            self._next_status_ms = now_ms + self._status_interval_ms
            return False
        if now_ms < self._next_status_ms:
            return False
        self._next_status_ms = now_ms + self._status_interval_ms
        return True

    def status(self, engine: QuoteEngine) -> None:
        """One line per market: mode, quotes, position, open orders, fills so far and the run's PnL."""
        symbol = engine.config.symbol
        bid, ask = engine.desired_quotes()
        pnl = engine.run_pnl()
        _log.info(
            "executor_status",
            symbol=symbol,
            mode=engine.mode.value,
            bid=_text(bid.price) if bid else None,
            ask=_text(ask.price) if ask else None,
            position=engine.position,
            open_orders=len(engine.orders),
            fills=self._fills[symbol],
            run_pnl=None if pnl is None else round(pnl, 6),
        )


def _text(price: Decimal | None) -> str | None:
    return None if price is None else str(price)
