"""`MarketDataFeed` on Extended's public v1 streams: best bid/offer, trades, mark and index prices.

One connection per market and stream (the URL is the subscription). Each is a `ResilientStream`;
its outages reach the consumer as `FeedGap` and its returns as `FeedRecovered`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection, Iterable, Sequence
from enum import StrEnum

from mm.adapters.extended.event_pump import EventPump
from mm.adapters.extended.frames import StreamFrame
from mm.adapters.extended.inbound_bounds import DEFAULT_BOUNDS, InboundBounds
from mm.adapters.extended.mapping import EXCHANGE, bbo_from_frame, price_from_frame, public_trades_from_frame
from mm.adapters.extended.metrics import ExtendedMetrics
from mm.adapters.extended.resilient_stream import ResilientStream, StreamIssue
from mm.adapters.extended.sdk_config import stream_base_url
from mm.adapters.extended.settings import ExtendedEndpoints, StreamSettings
from mm.domain.instrument import Instrument
from mm.domain.market_events import FeedGap, FeedRecovered, MarketEvent, PriceKind
from mm.ports.clock import Clock
from mm.ports.metrics import Metrics


class PublicStream(StrEnum):
    BBO = "bbo"
    TRADES = "trades"
    MARK = "mark"
    INDEX = "index"


def stream_path(stream: PublicStream, symbol: str) -> str:
    """The v1 path of a subscription, appended to the stream base URL."""
    return {
        PublicStream.BBO: f"/orderbooks/{symbol}?depth=1",
        PublicStream.TRADES: f"/publicTrades/{symbol}",
        PublicStream.MARK: f"/prices/mark/{symbol}",
        PublicStream.INDEX: f"/prices/index/{symbol}",
    }[stream]


class _PublicStreamEvents:
    """Turns one subscription's frames and outages into market events.

    Every frame passes the mapping's inbound bounds; one that does not raises `MalformedMessage`,
    which the stream counts, logs and skips.
    """

    def __init__(
        self,
        stream: PublicStream,
        symbol: str,
        emit: Callable[[MarketEvent], None],
        bounds: InboundBounds,
        metrics: ExtendedMetrics,
    ) -> None:
        self._stream = stream
        self._symbol = symbol
        self._emit = emit
        self._bounds = bounds
        self._metrics = metrics

    def on_frame(self, frame: StreamFrame, received_ts_ms: int, is_first: bool) -> None:
        if self._stream is PublicStream.BBO:
            bbo = bbo_from_frame(frame, received_ts_ms, self._bounds)
            if bbo.bid_px is not None and bbo.ask_px is not None and bbo.bid_px >= bbo.ask_px:
                kind = "crossed" if bbo.bid_px > bbo.ask_px else "locked"
                self._metrics.crossed_books.inc(symbol=self._symbol, kind=kind)
            self._emit(bbo)
        elif self._stream is PublicStream.TRADES:
            # The first trades frame of a connection replays old prints (PROTOCOL.md §3).
            for trade in public_trades_from_frame(frame, received_ts_ms, is_replay=is_first, bounds=self._bounds):
                self._emit(trade)
        else:
            kind = PriceKind.MARK if self._stream is PublicStream.MARK else PriceKind.INDEX
            self._emit(price_from_frame(frame, received_ts_ms, kind, self._bounds))

    def on_interrupted(self, issue: StreamIssue) -> None:
        self._emit(
            FeedGap(
                exchange=EXCHANGE,
                symbol=self._symbol,
                stream=self._stream.value,
                kind=issue.kind,
                from_ts_ms=issue.from_ts_ms,
                detected_ts_ms=issue.detected_ts_ms,
                expected_seq=issue.expected_seq,
                received_seq=issue.received_seq,
                detail=issue.detail,
            )
        )

    def on_recovered(self, gap_from_ts_ms: int, recovered_ts_ms: int) -> None:
        self._emit(
            FeedRecovered(
                exchange=EXCHANGE,
                symbol=self._symbol,
                stream=self._stream.value,
                gap_from_ts_ms=gap_from_ts_ms,
                recovered_ts_ms=recovered_ts_ms,
            )
        )


class ExtendedMarketDataFeed:
    """Public market data for a set of markets; one `events()` iteration per instance.

    With `instruments`, prices and sizes are bounded by each market's tick and step, and a frame
    for any other market is refused; without, wide generic bounds apply.
    """

    def __init__(
        self,
        endpoints: ExtendedEndpoints,
        clock: Clock,
        metrics: Metrics,
        settings: StreamSettings | None = None,
        streams: Collection[PublicStream] = tuple(PublicStream),
        *,
        instruments: Iterable[Instrument] = (),
    ) -> None:
        self._base_url = stream_base_url(endpoints)
        self._clock = clock
        self._metrics = ExtendedMetrics(metrics)
        self._settings = settings or StreamSettings()
        self._streams = tuple(streams)
        self._pump: EventPump[MarketEvent] = EventPump()
        known = tuple(instruments)
        self._bounds = InboundBounds.for_instruments(known) if known else DEFAULT_BOUNDS

    async def events(self, symbols: Sequence[str]) -> AsyncIterator[MarketEvent]:
        if self._pump.is_running:
            raise RuntimeError("events() is already running on this feed")
        for symbol in symbols:
            for stream in self._streams:
                subscription = ResilientStream(
                    self._base_url + stream_path(stream, symbol),
                    name=stream.value,
                    symbol=symbol,
                    observer=_PublicStreamEvents(stream, symbol, self._pump.emit, self._bounds, self._metrics),
                    settings=self._settings,
                    clock=self._clock,
                    metrics=self._metrics,
                    may_be_quiet=stream is PublicStream.TRADES,
                )
                self._pump.start(f"extended-{stream.value}-{symbol}", subscription.run())
        async for event in self._pump.events():
            yield event

    async def aclose(self) -> None:
        await self._pump.aclose()
