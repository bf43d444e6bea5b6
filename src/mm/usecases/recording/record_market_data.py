"""The recorder: consume a market-data feed and hand its rows, latest tops and gaps to a sink.

It runs on the receive path, so it does no I/O of its own: the sink only queues (and waits only
when its writer is behind). Best bid/offer updates are thinned per market; trades and prices
never are. Gaps and recoveries reach the sink in order with the rows around them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import structlog

from mm.domain.bbo_thinning import NO_THINNING, BboThinning
from mm.domain.market_events import BestBidOffer, FeedGap, FeedRecovered, MarketEvent, PriceUpdate, PublicTrade
from mm.ports.market_data_feed import MarketDataFeed
from mm.ports.market_data_sink import MarketDataSink
from mm.ports.metrics import Metrics

_log = structlog.get_logger(__name__)

# Counts are summed locally and published this often: a labelled counter per message costs more
# than the rest of the recorder's work on it.
METRICS_PUBLISH_EVERY_EVENTS = 512


@dataclass(frozen=True, slots=True)
class RecorderConfig:
    """Thinning per market; markets not named use `default_thinning` (off unless told)."""

    thinning_by_symbol: Mapping[str, BboThinning] = field(default_factory=dict)
    default_thinning: BboThinning = NO_THINNING

    def thinning_for(self, symbol: str) -> BboThinning:
        return self.thinning_by_symbol.get(symbol, self.default_thinning)


class _RecorderCounts:
    """Messages in and thinned best bid/offer updates, published in bulk."""

    def __init__(self, metrics: Metrics) -> None:
        self._messages = metrics.counter(
            "ingest_messages_in_total", "market-data events received, by market and kind", ("symbol", "kind")
        )
        self._thinned = metrics.counter(
            "ingest_bbo_thinned_total", "best bid/offer updates kept out of md_bbo by thinning", ("symbol",)
        )
        self._gaps = metrics.counter(
            "ingest_feed_gaps_total", "feed gaps and reconnects recorded", ("symbol", "stream", "kind")
        )
        self.messages: dict[tuple[str, str], int] = {}
        self.thinned: dict[str, int] = {}
        self.unpublished = 0

    def gap(self, gap: FeedGap) -> None:
        self._gaps.inc(symbol=gap.symbol, stream=gap.stream, kind=gap.kind.value)

    def publish(self) -> None:
        for (symbol, kind), count in self.messages.items():
            self._messages.inc(count, symbol=symbol, kind=kind)
        for symbol, count in self.thinned.items():
            self._thinned.inc(count, symbol=symbol)
        self.messages.clear()
        self.thinned.clear()
        self.unpublished = 0


class MarketDataRecorder:
    """Records one feed into one sink until the feed ends or `stop()` is called."""

    def __init__(
        self,
        feed: MarketDataFeed,
        sink: MarketDataSink,
        metrics: Metrics,
        config: RecorderConfig | None = None,
    ) -> None:
        self._feed = feed
        self._sink = sink
        self._config = config or RecorderConfig()
        self._counts = _RecorderCounts(metrics)
        self._last_stored_bbo: dict[str, BestBidOffer] = {}
        self._thinning: dict[str, BboThinning] = {}

    async def run(self, symbols: Sequence[str]) -> None:
        """Record `symbols` until the feed ends; a fatal feed error propagates after counts are published."""
        self._thinning = {symbol: self._config.thinning_for(symbol) for symbol in symbols}
        _log.info(
            "market_data_recording_started",
            symbols=list(symbols),
            thinning={s: f"{t.trigger.value}/{t.min_interval_ms}ms" for s, t in self._thinning.items() if not t.is_off},
        )
        counts = self._counts
        try:
            async for event in self._feed.events(symbols):
                kind = await self._record(event)
                key = (event.symbol, kind)
                counts.messages[key] = counts.messages.get(key, 0) + 1
                counts.unpublished += 1
                if counts.unpublished >= METRICS_PUBLISH_EVERY_EVENTS:
                    counts.publish()
        finally:
            counts.publish()
        _log.info("market_data_recording_stopped")

    async def stop(self) -> None:
        """End the feed; `run()` returns once the events already received are handed over."""
        await self._feed.aclose()

    async def _record(self, event: MarketEvent) -> str:
        """Hand one event to the sink; return its kind for the messages-in count."""
        if isinstance(event, BestBidOffer):
            await self._record_bbo(event)
            return "bbo"
        if isinstance(event, PriceUpdate):
            await self._sink.append(event)
            return event.kind.value
        if isinstance(event, PublicTrade):
            await self._sink.append(event)
            return "trade"
        if isinstance(event, FeedGap):
            await self._record_gap(event)
            return "gap"
        await self._record_recovery(event)
        return "recovered"

    async def _record_bbo(self, bbo: BestBidOffer) -> None:
        symbol = bbo.symbol
        thinning = self._thinning.get(symbol)
        if thinning is None:
            thinning = self._thinning[symbol] = self._config.thinning_for(symbol)
        if thinning.should_store(self._last_stored_bbo.get(symbol), bbo):
            self._last_stored_bbo[symbol] = bbo
            await self._sink.append(bbo)
            return
        counts = self._counts.thinned
        counts[symbol] = counts.get(symbol, 0) + 1
        await self._sink.update_latest(bbo)

    async def _record_gap(self, gap: FeedGap) -> None:
        # After a gap the book may have moved anywhere: the next update is stored whatever the rule.
        self._last_stored_bbo.pop(gap.symbol, None)
        self._counts.gap(gap)
        _log.warning(
            "market_data_gap_started",
            symbol=gap.symbol,
            stream=gap.stream,
            kind=gap.kind.value,
            from_ts_ms=gap.from_ts_ms,
            detected_ts_ms=gap.detected_ts_ms,
            expected_seq=gap.expected_seq,
            received_seq=gap.received_seq,
            detail=gap.detail,
        )
        await self._sink.record_gap(gap)

    async def _record_recovery(self, recovery: FeedRecovered) -> None:
        _log.info(
            "market_data_gap_closed",
            symbol=recovery.symbol,
            stream=recovery.stream,
            from_ts_ms=recovery.gap_from_ts_ms,
            to_ts_ms=recovery.recovered_ts_ms,
            outage_ms=recovery.recovered_ts_ms - recovery.gap_from_ts_ms,
        )
        await self._sink.record_recovery(recovery)
