"""Market-data events for the ingestor's tests: one BTC-USD book around 60,000, built field by field."""

from __future__ import annotations

import json
from decimal import Decimal

from mm.domain.market_events import (
    BestBidOffer,
    FeedGap,
    FeedIssueKind,
    FeedRecovered,
    PriceKind,
    PriceUpdate,
    PublicTrade,
    TradeKind,
)
from mm.domain.side import Side

EXCHANGE = "extended"
SYMBOL = "BTC-USD"
T0_MS = 1_723_161_300_000  # 2024-08-08T23:55:00Z


def _raw(kind: str, seq: int, ts_ms: int, data: object) -> str:
    return json.dumps({"type": kind, "data": data, "ts": ts_ms, "seq": seq}, separators=(",", ":"))


def a_bbo(
    seq: int,
    bid_px: str | None = "60000.0",
    ask_px: str | None = "60001.0",
    *,
    bid_sz: str | None = "1.5",
    ask_sz: str | None = "0.5",
    ts_ms: int | None = None,
    symbol: str = SYMBOL,
) -> BestBidOffer:
    """A best bid/offer at `T0_MS + seq` ms unless `ts_ms` says otherwise, with its raw frame."""
    ts = T0_MS + seq if ts_ms is None else ts_ms
    data = {
        "m": symbol,
        "b": [{"p": bid_px, "q": bid_sz}] if bid_px else [],
        "a": [{"p": ask_px, "q": ask_sz}] if ask_px else [],
    }
    return BestBidOffer(
        exchange=EXCHANGE,
        symbol=symbol,
        exchange_ts_ms=ts,
        received_ts_ms=ts + 2,
        seq=seq,
        bid_px=Decimal(bid_px) if bid_px else None,
        bid_sz=Decimal(bid_sz) if bid_px and bid_sz else None,
        ask_px=Decimal(ask_px) if ask_px else None,
        ask_sz=Decimal(ask_sz) if ask_px and ask_sz else None,
        raw=_raw("SNAPSHOT", seq, ts, data),
    )


def trades_frame(
    seq: int, *prints: tuple[str, str, Side], is_replay: bool = False, symbol: str = SYMBOL
) -> list[PublicTrade]:
    """The trades of one frame: they share its seq and raw text, as the Extended adapter emits them."""
    ts = T0_MS + seq
    items = [
        {"m": symbol, "i": seq * 100 + n, "p": px, "q": sz, "S": side.value.upper()}
        for n, (px, sz, side) in enumerate(prints)
    ]
    raw = _raw("TRADE", seq, ts, items)
    return [
        PublicTrade(
            exchange=EXCHANGE,
            symbol=symbol,
            exchange_ts_ms=ts,
            received_ts_ms=ts + 2,
            seq=seq,
            trade_id=str(seq * 100 + n),
            price=Decimal(px),
            size=Decimal(sz),
            taker_side=side,
            kind=TradeKind.TRADE,
            is_replay=is_replay,
            raw=raw,
        )
        for n, (px, sz, side) in enumerate(prints)
    ]


def a_price(seq: int, price: str = "60000.5", kind: PriceKind = PriceKind.MARK, *, symbol: str = SYMBOL) -> PriceUpdate:
    ts = T0_MS + seq
    return PriceUpdate(
        exchange=EXCHANGE,
        symbol=symbol,
        exchange_ts_ms=ts,
        received_ts_ms=ts + 2,
        seq=seq,
        kind=kind,
        price=Decimal(price),
        raw=_raw("MP" if kind is PriceKind.MARK else "IP", seq, ts, {"m": symbol, "p": price, "ts": 0}),
    )


def a_gap(from_ms: int, *, stream: str = "bbo", symbol: str = SYMBOL) -> FeedGap:
    return FeedGap(
        exchange=EXCHANGE,
        symbol=symbol,
        stream=stream,
        kind=FeedIssueKind.DISCONNECTED,
        from_ts_ms=from_ms,
        detected_ts_ms=from_ms + 50,
        detail="ConnectionClosedError",
    )


def a_recovery(gap_from_ms: int, recovered_ms: int, *, stream: str = "bbo", symbol: str = SYMBOL) -> FeedRecovered:
    return FeedRecovered(
        exchange=EXCHANGE, symbol=symbol, stream=stream, gap_from_ts_ms=gap_from_ms, recovered_ts_ms=recovered_ms
    )
