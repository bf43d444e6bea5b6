"""Normalized market-data events, whatever the venue. Pure values, no I/O.

Every event keeps the exchange time, our receive time (both epoch milliseconds, UTC), the
per-connection sequence number and the raw JSON it came from, for audit and replay.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from mm.domain.side import Side


class TradeKind(StrEnum):
    TRADE = "trade"
    LIQUIDATION = "liquidation"
    DELEVERAGE = "deleverage"


class PriceKind(StrEnum):
    MARK = "mark"
    INDEX = "index"


@dataclass(frozen=True, slots=True)
class BestBidOffer:
    """The top of one market's book. A side with no level has price and size None."""

    exchange: str
    symbol: str
    exchange_ts_ms: int
    received_ts_ms: int
    seq: int
    bid_px: Decimal | None
    bid_sz: Decimal | None
    ask_px: Decimal | None
    ask_sz: Decimal | None
    raw: str = ""


@dataclass(frozen=True, slots=True)
class PublicTrade:
    """One public print. `is_replay` marks the history a venue resends on subscribe: not live."""

    exchange: str
    symbol: str
    exchange_ts_ms: int
    received_ts_ms: int
    seq: int
    trade_id: str
    price: Decimal
    size: Decimal
    taker_side: Side
    kind: TradeKind = TradeKind.TRADE
    is_replay: bool = False
    raw: str = ""

    @property
    def is_liquidation(self) -> bool:
        return self.kind is not TradeKind.TRADE


@dataclass(frozen=True, slots=True)
class PriceUpdate:
    """A mark or index price."""

    exchange: str
    symbol: str
    exchange_ts_ms: int
    received_ts_ms: int
    seq: int
    kind: PriceKind
    price: Decimal
    raw: str = ""


class FeedIssueKind(StrEnum):
    SEQUENCE_GAP = "sequence_gap"
    DISCONNECTED = "disconnected"
    HEARTBEAT_TIMEOUT = "heartbeat_timeout"
    MALFORMED = "malformed"


@dataclass(frozen=True, slots=True)
class FeedGap:
    """Data may be missing for `symbol` on `stream` from `from_ts_ms` until the feed is back.

    Consumers treat it as stale data (the executor pauses). `expected_seq`/`received_seq` are set
    for sequence gaps.
    """

    exchange: str
    symbol: str
    stream: str
    kind: FeedIssueKind
    from_ts_ms: int
    detected_ts_ms: int
    expected_seq: int | None = None
    received_seq: int | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class FeedRecovered:
    """The stream is live again after a gap: a fresh snapshot has been received."""

    exchange: str
    symbol: str
    stream: str
    gap_from_ts_ms: int
    recovered_ts_ms: int


MarketEvent = BestBidOffer | PublicTrade | PriceUpdate | FeedGap | FeedRecovered
