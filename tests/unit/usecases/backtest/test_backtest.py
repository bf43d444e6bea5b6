"""The backtest use case on the shipped recorded slice: deterministic, stored with its settings."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from mm.adapters.files.recorded_tape import CsvRecordedMarketData
from mm.adapters.memory.backtest_run_store import InMemoryBacktestRunStore
from mm.apps.backtest.shipped_slice import SHIPPED_EXCHANGE, SHIPPED_SYMBOL, shipped_prefix
from mm.apps.backtest.simulated_venue import simulated_venue
from mm.domain.market_tape import MarketTape
from mm.ports.errors import RecordNotFound
from mm.usecases.backtest.backtest import (
    Backtester,
    BacktestResult,
    BacktestSpec,
    FillModelKind,
    prepare_tape,
    replay_tape,
)
from tests.unit.usecases.backtest.tapes import quiet_params


@pytest.fixture(scope="module")
def shipped_tape() -> MarketTape:
    return CsvRecordedMarketData(shipped_prefix(), SHIPPED_EXCHANGE, SHIPPED_SYMBOL).load()


def a_spec(**changes: object) -> BacktestSpec:
    spec = BacktestSpec(SHIPPED_EXCHANGE, SHIPPED_SYMBOL, quiet_params(), fill_model=FillModelKind.QUEUE)
    return replace(spec, **changes)  # type: ignore[arg-type]


def replay(tape: MarketTape, spec: BacktestSpec) -> BacktestResult:
    return replay_tape(prepare_tape(tape, spec), spec, simulated_venue, stopwatch_ns=time.perf_counter_ns)


def outcome(result: BacktestResult) -> tuple[object, ...]:
    return (result.record.fills, result.record.modes, result.quotes, result.pnl, result.record.data_sha256)


def test_the_same_data_and_params_give_identical_fills_quotes_and_modes(shipped_tape: MarketTape) -> None:
    first, second = replay(shipped_tape, a_spec()), replay(shipped_tape, a_spec())
    assert len(first.fills) > 0
    assert outcome(first) == outcome(second)


def test_other_params_give_other_fills(shipped_tape: MarketTape) -> None:
    wider = a_spec(params=quiet_params(base_half_spread_bps=0.5))
    assert replay(shipped_tape, wider).record.fills != replay(shipped_tape, a_spec()).record.fills


def test_the_run_record_names_its_data_params_and_settings(shipped_tape: MarketTape) -> None:
    record = replay(shipped_tape, a_spec(order_latency_ms=25)).record
    assert (
        record.rows,
        record.data_sha256,
        record.params["base_half_spread_bps"],
        record.settings["order_latency_ms"],
    ) == (
        shipped_tape.row_count,
        shipped_tape.sha256(),
        0.1,
        25,
    )


async def test_the_backtester_stores_the_run_and_returns_it_with_its_id() -> None:
    runs = InMemoryBacktestRunStore()
    source = CsvRecordedMarketData(shipped_prefix(), SHIPPED_EXCHANGE, SHIPPED_SYMBOL)
    backtester = Backtester(
        market_data=source, runs=runs, venue_factory=simulated_venue, stopwatch_ns=time.perf_counter_ns
    )
    result = await backtester.run(a_spec(end_ms=1_723_161_316_313))
    assert result.record.run_id is not None
    assert await runs.get(result.record.run_id) == result.record


async def test_the_backtester_reports_a_span_without_data() -> None:
    source = CsvRecordedMarketData(shipped_prefix(), SHIPPED_EXCHANGE, SHIPPED_SYMBOL)
    backtester = Backtester(
        market_data=source,
        runs=InMemoryBacktestRunStore(),
        venue_factory=simulated_venue,
        stopwatch_ns=time.perf_counter_ns,
    )
    with pytest.raises(RecordNotFound):
        await backtester.run(a_spec(start_ms=1_000, end_ms=2_000))
