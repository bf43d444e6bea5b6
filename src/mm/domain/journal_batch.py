"""One batch of the trading event log: market, exchange and decision events, written together. No I/O."""

from __future__ import annotations

from dataclasses import dataclass

from mm.domain.decision_record import DecisionRecord
from mm.domain.market_events import MarketEvent
from mm.domain.order_journal import OrderJournalEntry
from mm.domain.orders import FillEvent, PositionUpdate


@dataclass(frozen=True, slots=True)
class JournaledFill:
    """A fill with the strategy's mode and params version when it arrived (`ex_fill`)."""

    event: FillEvent
    mode: str
    params_version: int


@dataclass(frozen=True, slots=True)
class JournalBatch:
    """Rows for `md_*` (and `md_gap`), `ex_order`, `ex_fill`, `ex_position` and `ex_decision`."""

    market: tuple[MarketEvent, ...] = ()
    orders: tuple[OrderJournalEntry, ...] = ()
    fills: tuple[JournaledFill, ...] = ()
    positions: tuple[PositionUpdate, ...] = ()
    decisions: tuple[DecisionRecord, ...] = ()

    def __len__(self) -> int:
        return len(self.market) + len(self.orders) + len(self.fills) + len(self.positions) + len(self.decisions)
