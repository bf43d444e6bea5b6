"""The summarizer job: enrich new and maturing fills, then recompute the minute and hour summaries they touch.

Idempotent and incremental. Fills are enriched in fill-id batches until none is pending; then, per
market, buckets are recomputed from the earliest changed fill (or the last stored hour, whichever
is older) to the end of the market's activity, a day at a time. The average-cost basis is carried
in from the last minute bucket stored before that point, so old history is never re-read.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from decimal import Decimal

import structlog

from mm.domain.average_cost import CostBasis
from mm.domain.bucket_summary import MarketActivity, SummaryWindow, mark_times_ms, summarize_buckets
from mm.domain.bucket_width import BucketWidth
from mm.domain.fill_enrichment import MarkoutSpec
from mm.domain.fill_summary import EnrichedFill
from mm.domain.mode_timeline import ModeTimeline
from mm.domain.position_timeline import PositionTimeline
from mm.ports.bucket_summary_store import BucketSummaryStore
from mm.ports.clock import Clock
from mm.ports.errors import RetryableError
from mm.ports.fill_enrichment_store import FillEnrichmentStore
from mm.ports.funding_settlements import FundingSettlementSource
from mm.ports.market_mid_source import MarketMidSource
from mm.ports.metrics import Metrics
from mm.ports.trading_history import TradingHistory

_HOUR_MS = BucketWidth.HOUR.ms


@dataclass(frozen=True, slots=True)
class SummarizerConfig:
    exchange: str
    symbols: tuple[str, ...] = ()
    """The markets to summarize; empty means every market with fills or decisions."""
    markouts: MarkoutSpec = field(default_factory=MarkoutSpec)
    batch_size: int = 20_000
    max_decision_hold_ms: int = 60_000
    chunk_hours: int = 24

    def __post_init__(self) -> None:
        if self.batch_size < 1 or self.chunk_hours < 1 or self.max_decision_hold_ms < 0:
            raise ValueError("batch_size and chunk_hours must be positive, max_decision_hold_ms not negative")


@dataclass(frozen=True, slots=True)
class SummaryRun:
    """What one run did."""

    fills_examined: int
    fills_written: int
    fills_completed: int
    buckets_written: int


@dataclass(slots=True)
class _EnrichmentTotals:
    examined: int = 0
    written: int = 0
    completed: int = 0
    first_touched_ms: dict[str, int] = field(default_factory=dict)


class Summarizer:
    def __init__(
        self,
        *,
        fills: FillEnrichmentStore,
        mids: MarketMidSource,
        history: TradingHistory,
        summaries: BucketSummaryStore,
        clock: Clock,
        metrics: Metrics,
        config: SummarizerConfig,
        funding: FundingSettlementSource | None = None,
    ) -> None:
        """Without `funding`, buckets charge no funding (a store that records no settlements)."""
        self._funding = funding
        self._fills = fills
        self._mids = mids
        self._history = history
        self._summaries = summaries
        self._clock = clock
        self._config = config
        self._log = structlog.get_logger().bind(exchange=config.exchange)
        self._fills_written = metrics.counter("summarizer_fills_written_total", "Fill enrichments written or changed")
        self._buckets_written = metrics.counter(
            "summarizer_buckets_written_total", "Summary buckets upserted", labels=("width",)
        )
        self._run_seconds = metrics.histogram("summarizer_run_seconds", "Duration of one summarizer run")

    async def run_once(self) -> SummaryRun:
        """Enrich every pending fill, then recompute the buckets that changed."""
        started_ms = self._clock.now_ms()
        totals = await self._enrich_pending()
        as_of_ms = self._clock.now_ms()
        buckets = 0
        for symbol in await self._symbols():
            buckets += await self._summarize_market(symbol, totals.first_touched_ms.get(symbol), as_of_ms)
        run = SummaryRun(totals.examined, totals.written, totals.completed, buckets)
        self._run_seconds.observe((self._clock.now_ms() - started_ms) / 1000)
        self._log.info(
            "summary_run_finished",
            fills_examined=run.fills_examined,
            fills_written=run.fills_written,
            fills_completed=run.fills_completed,
            buckets_written=run.buckets_written,
            duration_ms=self._clock.now_ms() - started_ms,
        )
        return run

    async def run_forever(self, interval_s: float, stop: asyncio.Event) -> None:
        """Run, then sleep `interval_s` on the clock, until `stop` is set (a run in progress completes).

        A transient store failure skips to the next run: every run starts over from the stored
        state, so nothing is lost. Any other error ends the loop.
        """
        while not stop.is_set():
            try:
                await self.run_once()
            except RetryableError as error:
                self._log.warning("summary_run_failed", error=str(error), retry_in_s=interval_s)
            await _sleep_unless_stopped(self._clock, interval_s, stop)

    async def worst_fills(self, start_ms: int, end_ms: int, limit: int) -> list[EnrichedFill]:
        """The window's fills (of the configured markets) with the lowest 10 s markout in bps, worst first."""
        exchange = self._config.exchange
        found: list[EnrichedFill] = []
        for symbol in self._config.symbols or (None,):
            found += await self._fills.worst_fills(exchange, start_ms, end_ms, limit=limit, symbol=symbol)
        found.sort(key=_worst_first)
        return found[:limit]

    async def _enrich_pending(self) -> _EnrichmentTotals:
        totals = _EnrichmentTotals()
        for symbol in self._config.symbols or (None,):
            await self._enrich_market(symbol, totals)
        return totals

    async def _enrich_market(self, symbol: str | None, totals: _EnrichmentTotals) -> None:
        config = self._config
        after_fill_id: str | None = None
        while True:
            batch = await self._fills.enrich_pending(
                config.exchange, config.markouts, limit=config.batch_size, after_fill_id=after_fill_id, symbol=symbol
            )
            totals.examined += batch.examined
            totals.written += batch.written
            totals.completed += batch.completed
            for touch in batch.touched:
                known = totals.first_touched_ms.get(touch.symbol, touch.first_ts_ms)
                totals.first_touched_ms[touch.symbol] = min(known, touch.first_ts_ms)
            self._fills_written.inc(batch.written)
            if batch.examined < config.batch_size or batch.last_fill_id is None:
                return
            after_fill_id = batch.last_fill_id

    async def _symbols(self) -> list[str]:
        if self._config.symbols:
            return list(self._config.symbols)
        return await self._history.symbols(self._config.exchange)

    async def _summarize_market(self, symbol: str, first_touched_ms: int | None, as_of_ms: int) -> int:
        config = self._config
        span = await self._history.activity_span_ms(config.exchange, symbol)
        if span is None:
            return 0
        latest_hour = await self._summaries.latest(config.exchange, symbol, BucketWidth.HOUR)
        start_ms = latest_hour.bucket_start_ms if latest_hour else span[0]
        if first_touched_ms is not None:
            start_ms = min(start_ms, first_touched_ms)
        start_ms = BucketWidth.HOUR.floor_ms(start_ms)
        # A decision's mode holds after it, so the last one can still fill buckets beyond the activity.
        end_ms = max(span[1], min(span[1] + config.max_decision_hold_ms, as_of_ms))
        stored = await self._summaries.latest(config.exchange, symbol, BucketWidth.MINUTE, before_ms=start_ms)
        basis = stored.closing_basis if stored else CostBasis()
        written = 0
        for chunk_start_ms in range(start_ms, end_ms + 1, config.chunk_hours * _HOUR_MS):
            chunk_end_ms = min(chunk_start_ms + config.chunk_hours * _HOUR_MS - 1, end_ms)
            basis, count = await self._summarize_chunk(symbol, chunk_start_ms, chunk_end_ms, as_of_ms, basis)
            written += count
        return written

    async def _summarize_chunk(
        self, symbol: str, start_ms: int, last_ms: int, as_of_ms: int, opening: CostBasis
    ) -> tuple[CostBasis, int]:
        """Summarize the minutes and hours holding [start_ms, last_ms]; return the closing basis."""
        config = self._config
        hold_ms = config.max_decision_hold_ms
        windows = [SummaryWindow(width, start_ms, last_ms, as_of_ms, hold_ms) for width in BucketWidth]
        activity = await self._activity(symbol, start_ms, BucketWidth.HOUR.floor_ms(last_ms) + _HOUR_MS, windows)
        minutes, hours = (summarize_buckets(activity, window, opening) for window in windows)
        await self._summaries.upsert([*minutes, *hours])
        self._buckets_written.inc(len(minutes), width=BucketWidth.MINUTE.value)
        self._buckets_written.inc(len(hours), width=BucketWidth.HOUR.value)
        closing = minutes[-1].closing_basis if minutes else opening
        return closing, len(minutes) + len(hours)

    async def _activity(self, symbol: str, start_ms: int, end_ms: int, windows: list[SummaryWindow]) -> MarketActivity:
        exchange = self._config.exchange
        marks_ms = sorted({mark for window in windows for mark in mark_times_ms(window)})
        mids = await self._mids.mids_at(exchange, symbol, marks_ms, self._config.markouts.max_staleness_ms)
        return MarketActivity(
            exchange=exchange,
            symbol=symbol,
            fills=await self._fills.enriched_between(exchange, symbol, start_ms, end_ms),
            modes=ModeTimeline(await self._history.decisions_between(exchange, symbol, start_ms, end_ms)),
            positions=PositionTimeline(await self._history.positions_between(exchange, symbol, start_ms, end_ms)),
            mids_ms=dict(zip(marks_ms, mids, strict=True)),
            funding=await self._funding.settlements_between(exchange, symbol, start_ms, end_ms)
            if self._funding
            else (),
        )


def _worst_first(enriched: EnrichedFill) -> tuple[Decimal, int, str]:
    """The order of `FillEnrichmentStore.worst_fills`, across markets."""
    markout = enriched.markout_10s
    return (markout.bps if markout else Decimal("Infinity"), enriched.fill.ts_ms, enriched.fill.fill_id)


async def _sleep_unless_stopped(clock: Clock, interval_s: float, stop: asyncio.Event) -> None:
    sleeping = asyncio.ensure_future(clock.sleep(interval_s))
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({sleeping, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (sleeping, stopping):
            task.cancel()
