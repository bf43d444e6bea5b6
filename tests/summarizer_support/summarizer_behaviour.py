"""What the summarizer job does, on any backend: a small market whose summaries are computed by hand.

The book and fills are those of `tests/contract/fill_enrichment_store/contract.py` (T0 is a minute
boundary; its hour began 780 s earlier). Decisions: NORMAL quoting at t=0, PAUSE at 20 s, NORMAL
quoting at 30 s, DEFENSIVE quoting at 40 s. Positions: 2 at 1 s, 1 at 5 s, 0 at 10.5 s. The job runs
at T0 + 600 s with a 60 s decision hold and a 2 s staleness limit.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import replace

import pytest

from mm.adapters.clock import SimulatedClock
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.domain.bucket_summary import BucketSummary
from mm.domain.bucket_width import BucketWidth
from mm.domain.mode import Mode
from mm.domain.mode_timeline import DecisionSample
from mm.domain.position_timeline import PositionSample
from mm.domain.side import Side
from mm.ports.errors import StoreUnavailable
from mm.ports.trading_history import TradingHistory
from mm.usecases.summary.summarize import Summarizer, SummarizerConfig
from tests.contract.fill_enrichment_store.contract import SPEC, SYMBOL, T0, d, fill, seed_book, seed_fills
from tests.summarizer_support.seeding import SummarizerBackend

HOUR_START = T0 - 780_000
NOW = T0 + 600_000


def summarizer(
    backend: SummarizerBackend,
    exchange: str,
    clock: SimulatedClock,
    metrics: PrometheusMetrics | None = None,
    **config: object,
) -> Summarizer:
    return Summarizer(
        fills=backend.fills,
        mids=backend.mids,
        history=backend.history,
        summaries=backend.summaries,
        clock=clock,
        metrics=metrics or PrometheusMetrics(),
        config=SummarizerConfig(exchange=exchange, markouts=SPEC, max_decision_hold_ms=60_000, **config),  # type: ignore[arg-type]
    )


async def seed_scenario(backend: SummarizerBackend, exchange: str) -> None:
    await seed_book(backend, exchange)
    await seed_fills(backend, exchange)
    quotes = {"bid_px": d("99"), "ask_px": d("101")}
    await backend.seed.add_decision(exchange, SYMBOL, T0, Mode.NORMAL, **quotes)
    await backend.seed.add_decision(exchange, SYMBOL, T0 + 20_000, Mode.PAUSE)
    await backend.seed.add_decision(exchange, SYMBOL, T0 + 30_000, Mode.NORMAL, **quotes)
    await backend.seed.add_decision(exchange, SYMBOL, T0 + 40_000, Mode.DEFENSIVE, **quotes)
    for at_ms, size in [(1_000, "2"), (5_000, "1"), (10_500, "0")]:
        await backend.seed.add_position(exchange, SYMBOL, T0 + at_ms, d(size))


async def minutes(backend: SummarizerBackend, exchange: str) -> list[BucketSummary]:
    return await backend.summaries.summaries_between(exchange, SYMBOL, BucketWidth.MINUTE, HOUR_START, NOW)


async def hours(backend: SummarizerBackend, exchange: str) -> list[BucketSummary]:
    return await backend.summaries.summaries_between(exchange, SYMBOL, BucketWidth.HOUR, HOUR_START, NOW)


class SummarizerBehaviour:
    """Subclasses provide a `backend` fixture (`SummarizerBackend`)."""

    @pytest.fixture
    def exchange(self) -> str:
        return f"x{uuid.uuid4().hex[:10]}"

    @pytest.fixture
    async def scenario(self, backend: SummarizerBackend, exchange: str) -> SummarizerBackend:
        await seed_scenario(backend, exchange)
        return backend

    async def test_a_run_enriches_every_fill(self, scenario: SummarizerBackend, exchange: str) -> None:
        run = await summarizer(scenario, exchange, SimulatedClock(NOW)).run_once()
        assert (run.fills_examined, run.fills_written, run.fills_completed) == (3, 3, 1)

    async def test_the_minute_of_the_fills_adds_up_their_trading(
        self, scenario: SummarizerBackend, exchange: str
    ) -> None:
        await summarizer(scenario, exchange, SimulatedClock(NOW)).run_once()
        first = (await minutes(scenario, exchange))[0]
        # 2 @ 100 + 1 @ 101 + 1 @ 102; fees 0.02 - 0.01 + 0.01
        assert (first.bucket_start_ms, first.fill_count, first.buy_count, first.sell_count) == (T0, 3, 1, 2)
        assert (first.volume, first.notional, first.fees) == (d("4"), d("403"), d("0.02"))

    async def test_the_minute_means_the_markouts_that_are_known(
        self, scenario: SummarizerBackend, exchange: str
    ) -> None:
        await summarizer(scenario, exchange, SimulatedClock(NOW)).run_once()
        first = (await minutes(scenario, exchange))[0]
        # 1 s: (100 - 196.07843137) / 2; 10 s and 60 s: F1's alone
        means = (first.mean_markout_1s_bps, first.mean_markout_10s_bps, first.mean_markout_60s_bps)
        assert means == (d("-48.039216"), d("400"), d("-200"))

    async def test_the_minute_has_average_cost_and_mark_to_market_pnl(
        self, scenario: SummarizerBackend, exchange: str
    ) -> None:
        await summarizer(scenario, exchange, SimulatedClock(NOW)).run_once()
        first = (await minutes(scenario, exchange))[0]
        # buy 2 @ 100, sell 1 @ 101 (+1), sell 1 @ 102 (+2); flat before and after, so MTM = cash = 3
        assert (first.realized_pnl, first.mtm_pnl, first.position_end, first.avg_entry_px_end) == (
            d("3"),
            d("3"),
            d("0"),
            None,
        )

    async def test_the_minute_has_the_inventory_range_and_mode_times(
        self, scenario: SummarizerBackend, exchange: str
    ) -> None:
        await summarizer(scenario, exchange, SimulatedClock(NOW)).run_once()
        first = (await minutes(scenario, exchange))[0]
        assert (first.inventory_min, first.inventory_max, first.pause_count) == (d("0"), d("2"), 1)
        times = (first.time_normal_s, first.time_defensive_s, first.time_pause_s, first.quote_uptime)
        assert times == (d("30"), d("20"), d("10"), d("0.833333"))

    async def test_a_decision_holds_into_the_next_minute_for_at_most_the_hold_limit(
        self, scenario: SummarizerBackend, exchange: str
    ) -> None:
        await summarizer(scenario, exchange, SimulatedClock(NOW)).run_once()
        second = (await minutes(scenario, exchange))[1]
        # DEFENSIVE from 40 s holds until 100 s: 40 s of the minute starting at 60 s
        assert (second.bucket_start_ms, second.fill_count, second.time_defensive_s, second.quote_uptime) == (
            T0 + 60_000,
            0,
            d("40"),
            d("0.666667"),
        )

    async def test_the_hour_sums_its_minutes_and_counts_uptime_over_the_elapsed_part(
        self, scenario: SummarizerBackend, exchange: str
    ) -> None:
        await summarizer(scenario, exchange, SimulatedClock(NOW)).run_once()
        (hour,) = await hours(scenario, exchange)
        # quoting 20 + 10 + 60 = 90 s of the 1380 s elapsed since the hour began
        assert (hour.bucket_start_ms, hour.fill_count, hour.realized_pnl, hour.time_defensive_s) == (
            HOUR_START,
            3,
            d("3"),
            d("60"),
        )
        assert hour.quote_uptime == d("0.065217")

    async def test_a_rerun_after_more_data_fills_late_markouts_into_the_summaries(
        self, scenario: SummarizerBackend, exchange: str
    ) -> None:
        await summarizer(scenario, exchange, SimulatedClock(NOW)).run_once()
        for at_ms, bid, ask in [(65_000, "98", "100"), (70_000, "96", "98"), (71_000, "95", "97")]:
            await scenario.seed.add_bbo(exchange, SYMBOL, T0 + at_ms, d(bid), d(ask))
        run = await summarizer(scenario, exchange, SimulatedClock(NOW + 1_000)).run_once()
        first = (await minutes(scenario, exchange))[0]
        # (-200 + 198.01980198 + 490.19607843) / 3
        assert (run.fills_written, first.mean_markout_60s_bps) == (2, d("162.738627"))

    async def test_a_rerun_duplicates_nothing(self, scenario: SummarizerBackend, exchange: str) -> None:
        await summarizer(scenario, exchange, SimulatedClock(NOW)).run_once()
        before = (await minutes(scenario, exchange), await hours(scenario, exchange))
        run = await summarizer(scenario, exchange, SimulatedClock(NOW)).run_once()
        after = (await minutes(scenario, exchange), await hours(scenario, exchange))
        assert (run.fills_written, after) == (0, before)
        assert len(await scenario.fills.enriched_between(exchange, SYMBOL, HOUR_START, NOW)) == 3

    async def test_a_later_run_carries_the_cost_basis_in_from_the_stored_buckets(
        self, scenario: SummarizerBackend, exchange: str
    ) -> None:
        await scenario.seed.add_fill(fill(exchange, "F0", HOUR_START - T0 - 60_000, Side.BUY, "100", size="2"))
        await summarizer(scenario, exchange, SimulatedClock(NOW)).run_once()
        await scenario.seed.add_fill(fill(exchange, "F5", 50_000, Side.SELL, "95"))
        await summarizer(scenario, exchange, SimulatedClock(NOW)).run_once()
        first = (await minutes(scenario, exchange))[0]
        # long 2 @ 100 from the hour before; buy 2 @ 100; sells: +1, +2, then 95 - 100 = -5
        assert (first.realized_pnl, first.position_end, first.avg_entry_px_end) == (d("-2"), d("1"), d("100"))

    async def test_the_symbol_setting_limits_the_run_to_its_markets(
        self, scenario: SummarizerBackend, exchange: str
    ) -> None:
        run = await summarizer(scenario, exchange, SimulatedClock(NOW), symbols=("ETH-USD",)).run_once()
        assert (run.fills_examined, run.buckets_written) == (0, 0)

    async def test_worst_fills_come_from_the_configured_window(
        self, scenario: SummarizerBackend, exchange: str
    ) -> None:
        job = summarizer(scenario, exchange, SimulatedClock(NOW))
        await job.run_once()
        worst = await job.worst_fills(T0, NOW, limit=5)
        assert [enriched.fill.fill_id for enriched in worst] == ["F1"]

    async def test_the_loop_runs_again_after_each_interval_until_stopped(
        self, scenario: SummarizerBackend, exchange: str
    ) -> None:
        clock, metrics, stop = SimulatedClock(NOW), PrometheusMetrics(), asyncio.Event()
        loop = asyncio.create_task(summarizer(scenario, exchange, clock, metrics).run_forever(15, stop))
        await _until(lambda: clock.sleeper_count == 1)
        clock.advance_ms(15_000)
        await _until(lambda: _runs(metrics) == 2 and clock.sleeper_count == 1)
        stop.set()
        await asyncio.wait_for(loop, timeout=5)
        assert (_runs(metrics), clock.now_ms()) == (2, NOW + 15_000)

    async def test_stopping_the_loop_does_not_wait_for_the_interval(
        self, scenario: SummarizerBackend, exchange: str
    ) -> None:
        clock, stop = SimulatedClock(NOW), asyncio.Event()
        loop = asyncio.create_task(summarizer(scenario, exchange, clock).run_forever(3600, stop))
        await _until(lambda: clock.sleeper_count == 1)
        stop.set()
        await asyncio.wait_for(loop, timeout=5)
        assert clock.now_ms() == NOW

    async def test_the_loop_carries_on_after_a_transient_store_failure(
        self, scenario: SummarizerBackend, exchange: str
    ) -> None:
        clock, metrics, stop = SimulatedClock(NOW), PrometheusMetrics(), asyncio.Event()
        flaky = replace(scenario, history=_FailsOnce(scenario.history))
        loop = asyncio.create_task(summarizer(flaky, exchange, clock, metrics).run_forever(15, stop))
        await _until(lambda: clock.sleeper_count == 1)
        clock.advance_ms(15_000)
        await _until(lambda: _runs(metrics) == 1 and clock.sleeper_count == 1)
        stop.set()
        await asyncio.wait_for(loop, timeout=5)
        assert len(await minutes(scenario, exchange)) == 2


class _FailsOnce:
    """A `TradingHistory` whose first `symbols` call finds the database unreachable."""

    def __init__(self, history: TradingHistory) -> None:
        self._history = history
        self._failed = False

    async def symbols(self, exchange: str) -> list[str]:
        if not self._failed:
            self._failed = True
            raise StoreUnavailable("connection refused")
        return await self._history.symbols(exchange)

    async def activity_span_ms(self, exchange: str, symbol: str) -> tuple[int, int] | None:
        return await self._history.activity_span_ms(exchange, symbol)

    async def decisions_between(self, exchange: str, symbol: str, start_ms: int, end_ms: int) -> list[DecisionSample]:
        return await self._history.decisions_between(exchange, symbol, start_ms, end_ms)

    async def positions_between(self, exchange: str, symbol: str, start_ms: int, end_ms: int) -> list[PositionSample]:
        return await self._history.positions_between(exchange, symbol, start_ms, end_ms)


def _runs(metrics: PrometheusMetrics) -> float | None:
    return metrics.value("summarizer_run_seconds_count")


async def _until(condition: Callable[[], bool], timeout_s: float = 10) -> None:
    """Let the loop under test run (it does real I/O on Postgres) until `condition` holds."""
    for _ in range(int(timeout_s * 1000)):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("the loop did not get there in time")
