"""Which decisions the decision log keeps, and what a kept one says. No I/O.

A tick decides every few tens of milliseconds; most decisions repeat the last one. The log keeps a
decision when its mode, reasons or desired quotes changed, when it sent order requests, and at
least every `heartbeat_ms`, so readers can tell a quiet strategy from a dead one.
"""

from __future__ import annotations

from collections.abc import Sequence

from mm.domain.decision import Decision
from mm.domain.decision_record import DecisionRecord
from mm.domain.engine_commands import CancelAll, CancelOrder, EngineCommand, PlaceOrder, ReplaceOrder
from mm.domain.mode import Mode
from mm.domain.quoting import DesiredQuote


class DecisionLog:
    __slots__ = ("_exchange", "_heartbeat_ms", "_last_key", "_last_ms", "_symbol")

    def __init__(self, exchange: str, symbol: str, heartbeat_ms: int) -> None:
        self._exchange = exchange
        self._symbol = symbol
        self._heartbeat_ms = heartbeat_ms
        self._last_key: tuple[object, ...] | None = None
        self._last_ms: int | None = None

    def next_heartbeat_ms(self) -> int | None:
        """When a decision is logged even if it repeats the last one (None: the first one is)."""
        last_ms = self._last_ms
        return None if last_ms is None else last_ms + self._heartbeat_ms

    def record_if_news(
        self,
        decision: Decision,
        *,
        mode: Mode,
        previous_mode: Mode,
        reasons: tuple[str, ...],
        quotes: tuple[DesiredQuote | None, DesiredQuote | None],
        params_version: int,
        mid: float | None,
        position: float,
        commands: Sequence[EngineCommand],
        now_ms: int,
    ) -> DecisionRecord | None:
        """The record to log for this decision, or None when it only repeats the last one logged."""
        bid, ask = quotes
        key = (mode, reasons, bid, ask)
        last_ms = self._last_ms
        is_heartbeat = last_ms is None or now_ms - last_ms >= self._heartbeat_ms
        if key == self._last_key and not commands and not is_heartbeat:
            return None
        self._last_key = key
        self._last_ms = now_ms
        features = decision.features
        return DecisionRecord(
            exchange=self._exchange,
            symbol=self._symbol,
            ts_ms=now_ms,
            mode=mode.value,
            prev_mode=previous_mode.value if previous_mode is not mode else None,
            reasons=reasons,
            params_version=params_version,
            mid=features.mid if features is not None else mid,
            bid_px=bid.price if bid is not None else None,
            bid_sz=bid.size if bid is not None else None,
            ask_px=ask.price if ask is not None else None,
            ask_sz=ask.size if ask is not None else None,
            position=position,
            features=features,
            commands=tuple(c for c in commands if isinstance(c, PlaceOrder | ReplaceOrder | CancelOrder | CancelAll)),
        )
