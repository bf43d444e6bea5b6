"""The backtest use case: load recorded data, replay it through the live engine, score and store the run.

`replay_tape` does the work on a tape already in memory (notebooks, benchmarks, tests); `Backtester`
adds the ports around it: recorded data in, the run record out to its store.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

import structlog

from mm.domain.backtest_run import BacktestFill, BacktestRunRecord
from mm.domain.decision_record import DecisionRecord
from mm.domain.fill_enrichment import MarkoutSpec
from mm.domain.instrument import Instrument
from mm.domain.market_tape import BookColumns, MarketTape
from mm.domain.params import StrategyParams
from mm.domain.tape_cleaning import DEFAULT_MAX_BOOK_AGE_MS, lift_bucketed_asks, mark_history_trades, slice_tape
from mm.domain.tape_grid import infer_instrument
from mm.ports.backtest_run_store import BacktestRunStore
from mm.ports.recorded_market_data import RecordedMarketData
from mm.ports.replay_venue import ReplayVenue
from mm.usecases.backtest.data_gaps import data_gaps
from mm.usecases.backtest.replay import Replay
from mm.usecases.backtest.replay_log import QuoteChange, ReplayCounts
from mm.usecases.backtest.results import (
    ModeInterval,
    PnlSample,
    account_totals,
    backtest_fills,
    mean_markouts_bps,
    mode_intervals,
    pause_intervals,
    pnl_samples,
)
from mm.usecases.backtest.run_analysis import funding_payments, run_analysis
from mm.usecases.backtest.simulated_executor import ReplayTiming
from mm.usecases.trading.engine_config import EngineConfig
from mm.usecases.trading.quote_engine import QuoteEngine

_log = structlog.get_logger(__name__)

_NEVER_SAVE_MS = 1 << 50  # a backtest keeps no strategy state: the engine's periodic save never comes due


class FillModelKind(StrEnum):
    TOUCH = "touch"
    """Optimistic bound: a resting order fills the moment the market touches its price."""
    QUEUE = "queue"
    """Risk-averse queue position: an order fills only after the size ahead of it has traded."""


@dataclass(frozen=True, slots=True)
class BacktestSpec:
    """Everything that decides a run's outcome besides the data itself.

    `tick_size`, `step_size` and `min_order_size` default to what the data shows (`infer_instrument`).
    `max_book_age_ms` flags prints that far behind the book as history (they fill nothing);
    `ask_offset` lifts every ask (StandX: 0.09).
    """

    exchange: str
    symbol: str
    params: StrategyParams
    fill_model: FillModelKind = FillModelKind.TOUCH
    partial_fills: bool = False
    market_data_latency_ms: int = 0
    order_latency_ms: int = 0
    timer_resolution_ms: int = 10
    maker_fee_rate: Decimal = Decimal(0)
    start_ms: int | None = None
    end_ms: int | None = None
    tick_size: Decimal | None = None
    step_size: Decimal | None = None
    min_order_size: Decimal | None = None
    max_book_age_ms: int = DEFAULT_MAX_BOOK_AGE_MS
    ask_offset: float = 0.0
    markouts: MarkoutSpec = field(default_factory=MarkoutSpec)
    records_decisions: bool = False

    def __post_init__(self) -> None:
        if min(self.market_data_latency_ms, self.order_latency_ms, self.timer_resolution_ms) < 0:
            raise ValueError("latencies and the timer resolution must not be negative")
        if self.start_ms is not None and self.end_ms is not None and self.end_ms <= self.start_ms:
            raise ValueError("end_ms must be after start_ms")

    def settings_mapping(self, instrument: Instrument) -> dict[str, Any]:
        """The replay's own settings, JSON-ready, for the run record."""
        return {
            "fill_model": self.fill_model.value,
            "partial_fills": self.partial_fills,
            "market_data_latency_ms": self.market_data_latency_ms,
            "order_latency_ms": self.order_latency_ms,
            "timer_resolution_ms": self.timer_resolution_ms,
            "maker_fee_rate": str(self.maker_fee_rate),
            "tick_size": str(instrument.tick_size),
            "step_size": str(instrument.step_size),
            "min_order_size": str(instrument.min_order_size),
            "max_book_age_ms": self.max_book_age_ms,
            "ask_offset": self.ask_offset,
            "markout_max_staleness_ms": self.markouts.max_staleness_ms,
        }


VenueFactory = Callable[[Instrument, BacktestSpec, int], ReplayVenue]
"""Builds a fresh simulated venue: (instrument, spec, start time in ms)."""


@dataclass(frozen=True, slots=True)
class BacktestResult:
    """A finished run: its record (as stored), and the timelines a report plots."""

    record: BacktestRunRecord
    instrument: Instrument
    quotes: tuple[QuoteChange, ...]
    pnl: tuple[PnlSample, ...]
    modes: tuple[ModeInterval, ...]
    pauses: tuple[tuple[int, int], ...]
    counts: ReplayCounts
    wall_seconds: float
    decisions: tuple[DecisionRecord, ...] = ()
    """The engine's decision log, when the spec asked for it (`records_decisions`)."""
    book: BookColumns | None = None
    """The replayed best bid/offer rows, for reports (not stored with the run)."""
    gaps: tuple[tuple[int, int], ...] = ()
    """[start, end) of the spans without data (recorded gaps, long book silences)."""

    @property
    def fills(self) -> tuple[BacktestFill, ...]:
        return self.record.fills

    @property
    def summary(self) -> dict[str, Any]:
        return dict(self.record.summary)

    @property
    def events_per_second(self) -> float:
        return self.record.rows / self.wall_seconds if self.wall_seconds > 0 else float("inf")


def prepare_tape(tape: MarketTape, spec: BacktestSpec) -> MarketTape:
    """The span asked for, history prints flagged, bucketed asks lifted."""
    if spec.start_ms is not None or spec.end_ms is not None:
        tape = slice_tape(tape, spec.start_ms, spec.end_ms)
    if spec.ask_offset:
        tape = lift_bucketed_asks(tape, spec.ask_offset)
    return mark_history_trades(tape, spec.max_book_age_ms)


def instrument_for(tape: MarketTape, spec: BacktestSpec) -> Instrument:
    """The spec's tick, step and minimum size, each inferred from the data when not given."""
    if spec.tick_size is not None and spec.step_size is not None:
        tick, step = spec.tick_size, spec.step_size
    else:
        inferred = infer_instrument(tape)
        tick = spec.tick_size or inferred.tick_size
        step = spec.step_size or inferred.step_size
    return Instrument(spec.symbol, tick_size=tick, step_size=step, min_order_size=spec.min_order_size or step)


def replay_tape(
    tape: MarketTape,
    spec: BacktestSpec,
    venue_factory: VenueFactory,
    *,
    stopwatch_ns: Callable[[], int],
    progress: Callable[[int, int], None] | None = None,
    engine_config: EngineConfig | None = None,
) -> BacktestResult:
    """Run one backtest on `tape` (already prepared, see `prepare_tape`): deterministic for equal inputs.

    `engine_config` is the executor's engine configuration (request budgets, timers) to run the
    engine with; its market, state saving and decision log are the backtest's.
    """
    start_ms, end_ms = tape.first_ts_ms, tape.last_ts_ms
    if start_ms is None or end_ms is None or not len(tape.book):
        raise ValueError(f"nothing to replay: {tape.source or 'the tape'} has no book rows")
    instrument = instrument_for(tape, spec)
    engine = QuoteEngine(_engine_config(spec, engine_config), instrument, spec.params, start_ms)
    venue = venue_factory(instrument, spec, start_ms)
    timing = ReplayTiming(spec.market_data_latency_ms, spec.timer_resolution_ms)
    started_ns = stopwatch_ns()
    log = Replay(engine, venue, start_ms=start_ms, timing=timing, progress=progress).run(tape)
    log.counts.skipped_ticks = engine.skipped_ticks
    wall_seconds = (stopwatch_ns() - started_ns) / 1e9
    fills = backtest_fills(log.fills, tape.book, spec.markouts)
    intervals = mode_intervals(log.modes, end_ms)
    pauses = pause_intervals(intervals)
    summary = _summary(
        counts=log.counts, fills=fills, intervals=intervals, pauses=pauses, tape=tape, wall_seconds=wall_seconds
    )
    funding = funding_payments(tape)
    summary |= run_analysis(
        fills=fills,
        book=tape.book,
        quotes=log.quotes,
        counts=log.counts,
        start_ms=start_ms,
        end_ms=end_ms,
        final_mid=_last_mid(tape),
        funding=funding,
    )
    if funding:  # the held position paid (or earned) funding: part of the marked PnL
        summary["mtm_pnl"] = str(Decimal(summary["mtm_pnl"]) + Decimal(summary["attribution"]["funding"]))
    record = BacktestRunRecord(
        exchange=spec.exchange,
        symbol=spec.symbol,
        start_ms=start_ms,
        end_ms=end_ms,
        data_source=tape.source,
        data_sha256=tape.sha256(),
        rows=tape.row_count,
        params=spec.params.to_mapping(),
        settings=spec.settings_mapping(instrument),
        summary=summary,
        fills=tuple(fills),
        modes=tuple(log.modes),
    )
    return BacktestResult(
        record=record,
        instrument=instrument,
        quotes=tuple(log.quotes),
        pnl=tuple(pnl_samples(log.fills, tape.book, start_ms, end_ms)),
        modes=tuple(intervals),
        pauses=tuple(pauses),
        counts=log.counts,
        wall_seconds=wall_seconds,
        decisions=tuple(log.decisions),
        book=tape.book,
        gaps=tuple(data_gaps(tape.book, tape.gaps)),
    )


def _engine_config(spec: BacktestSpec, template: EngineConfig | None) -> EngineConfig:
    base = template or EngineConfig(exchange=spec.exchange, symbol=spec.symbol, client_order_id_prefix="bt")
    return replace(
        base,
        exchange=spec.exchange,
        symbol=spec.symbol,
        state_save_interval_ms=_NEVER_SAVE_MS,
        records_decisions=spec.records_decisions,
    )


def _summary(
    *,
    counts: ReplayCounts,
    fills: list[BacktestFill],
    intervals: list[ModeInterval],
    pauses: list[tuple[int, int]],
    tape: MarketTape,
    wall_seconds: float,
) -> dict[str, Any]:
    """The headline numbers, JSON-ready: exact amounts as strings, rates as floats."""
    records = [fill.enriched.fill for fill in fills]
    totals = account_totals(records)
    last_mid = _last_mid(tape)
    mtm = totals.realized_pnl - totals.fees
    if last_mid is not None and totals.avg_entry_px is not None:
        mtm += totals.position * (last_mid - totals.avg_entry_px)
    time_in = {
        mode.value: sum(i.duration_ms for i in intervals if i.mode is mode) for mode in {i.mode for i in intervals}
    }
    return {
        "rows": tape.row_count,
        "wall_seconds": round(wall_seconds, 6),
        "rows_per_second": round(tape.row_count / wall_seconds) if wall_seconds > 0 else None,
        "ticks": counts.ticks,
        "places": counts.places,
        "replaces": counts.replaces,
        "cancels": counts.cancels,
        "cancel_alls": counts.cancel_alls,
        "post_only_rejects": counts.post_only_rejects,
        "failed_requests": counts.failed_requests,
        "history_trades_skipped": counts.history_trades_skipped,
        "recorded_gaps": len(tape.gaps),
        "fills": totals.fills,
        "buys": totals.buys,
        "sells": totals.sells,
        "volume": str(totals.volume),
        "notional": str(totals.notional),
        "fees": str(totals.fees),
        "realized_pnl": str(totals.realized_pnl),
        "final_position": str(totals.position),
        "max_abs_position": str(totals.max_abs_position),
        "final_mid": str(last_mid) if last_mid is not None else None,
        "mtm_pnl": str(mtm),
        "mean_markout_bps": {str(h): v for h, v in mean_markouts_bps([f.enriched for f in fills]).items()},
        "pause_count": len(pauses),
        "time_in_mode_ms": time_in,
    }


def _last_mid(tape: MarketTape) -> Decimal | None:
    book = tape.book
    for index in range(len(book) - 1, -1, -1):
        bid, ask = book.bid_px[index], book.ask_px[index]
        if not (math.isnan(bid) or math.isnan(ask)):
            return (Decimal(repr(bid)) + Decimal(repr(ask))) / 2
    return None


class Backtester:
    """Runs backtests from a recorded-data source and keeps each run in a store."""

    def __init__(
        self,
        *,
        market_data: RecordedMarketData,
        runs: BacktestRunStore,
        venue_factory: VenueFactory,
        stopwatch_ns: Callable[[], int],
        engine_config: EngineConfig | None = None,
    ) -> None:
        self._market_data = market_data
        self._runs = runs
        self._venue_factory = venue_factory
        self._stopwatch_ns = stopwatch_ns
        self._engine_config = engine_config

    async def run(self, spec: BacktestSpec, progress: Callable[[int, int], None] | None = None) -> BacktestResult:
        """Load the span, replay it, store the run; the result carries the stored record (with its id)."""
        tape = await self._market_data.tape(spec.exchange, spec.symbol, spec.start_ms, spec.end_ms)
        result = replay_tape(
            prepare_tape(tape, spec),
            spec,
            self._venue_factory,
            stopwatch_ns=self._stopwatch_ns,
            progress=progress,
            engine_config=self._engine_config,
        )
        run_id = await self._runs.save(result.record)
        stored = _with_run_id(result, run_id)
        _log.info(
            "backtest_finished",
            run_id=run_id,
            exchange=spec.exchange,
            symbol=spec.symbol,
            rows=stored.record.rows,
            fills=len(stored.fills),
            wall_seconds=round(stored.wall_seconds, 3),
        )
        return stored


def _with_run_id(result: BacktestResult, run_id: int) -> BacktestResult:
    return replace(result, record=replace(result.record, run_id=run_id))
