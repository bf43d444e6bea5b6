"""Backtests from a notebook: `mm.backtest.run(...)` replays recorded data and hands back DataFrames.

    import mm.backtest
    run = mm.backtest.run()                                  # the slice shipped with mm
    run = mm.backtest.run("../shared/data/standx_btcusd_20260106", ask_offset=0.09, fill_model="touch")
    run.fills, run.pnl, run.quotes, run.modes, run.pauses     # pandas DataFrames
    run.summary                                              # headline numbers (a dict)
    run.write_report("report.html")

The same replay as `mm backtest` (the executor's engine, the simulated exchange); a thin layer over
`mm.usecases.backtest`. Nothing is stored unless `database_url` and `store=True` are given.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from mm.domain.params import StrategyParams
from mm.usecases.backtest.backtest import BacktestResult, BacktestSpec, FillModelKind, prepare_tape, replay_tape

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BacktestRun", "run"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BacktestRun:
    """One finished backtest; its tables as DataFrames (times are UTC timestamps)."""

    result: BacktestResult

    @property
    def summary(self) -> dict[str, Any]:
        return self.result.summary

    @property
    def fills(self) -> pd.DataFrame:
        from mm.backtest.frames import fills_frame

        return fills_frame(self.result)

    @property
    def pnl(self) -> pd.DataFrame:
        from mm.backtest.frames import pnl_frame

        return pnl_frame(self.result)

    @property
    def quotes(self) -> pd.DataFrame:
        from mm.backtest.frames import quotes_frame

        return quotes_frame(self.result)

    @property
    def modes(self) -> pd.DataFrame:
        from mm.backtest.frames import modes_frame

        return modes_frame(self.result)

    @property
    def pauses(self) -> pd.DataFrame:
        from mm.backtest.frames import pauses_frame

        return pauses_frame(self.result)

    def frames(self) -> dict[str, pd.DataFrame]:
        return {"fills": self.fills, "pnl": self.pnl, "quotes": self.quotes, "modes": self.modes, "pauses": self.pauses}

    def write_report(self, path: str | Path) -> Path:
        from mm.apps.backtest.report import write_report

        return write_report(self.result, Path(path))


def run(
    data: str | Path | None = None,
    *,
    exchange: str | None = None,
    symbol: str | None = None,
    params: StrategyParams | Mapping[str, Any] | None = None,
    fill_model: str = "queue",
    partial_fills: bool = False,
    market_data_latency_ms: int = 0,
    order_latency_ms: int = 0,
    timer_resolution_ms: int = 10,
    maker_fee_rate: Decimal | float | str = 0,
    start_ms: int | None = None,
    end_ms: int | None = None,
    ask_offset: float = 0.0,
    database_url: str | None = None,
    store: bool = False,
) -> BacktestRun:
    """Replay `data` (a recorded CSV prefix; None: the shipped slice) or, with `database_url` and
    `exchange`/`symbol` but no `data`, the md_* rows of that market. `params` is a StrategyParams
    or a mapping of fields over the backtest defaults (no mark/index price required)."""
    from mm.apps.backtest.shipped_slice import SHIPPED_EXCHANGE, SHIPPED_SYMBOL, shipped_prefix

    if data is None and database_url is None:
        data, exchange, symbol = shipped_prefix(), SHIPPED_EXCHANGE, SHIPPED_SYMBOL
    market = (exchange or "recorded", symbol or (Path(data).name if data is not None else ""))
    spec = BacktestSpec(
        exchange=market[0],
        symbol=market[1],
        params=_params(params),
        fill_model=FillModelKind(fill_model),
        partial_fills=partial_fills,
        market_data_latency_ms=market_data_latency_ms,
        order_latency_ms=order_latency_ms,
        timer_resolution_ms=timer_resolution_ms,
        maker_fee_rate=Decimal(str(maker_fee_rate)),
        start_ms=start_ms,
        end_ms=end_ms,
        ask_offset=ask_offset,
    )
    if database_url is None:
        return BacktestRun(_replay_file(Path(str(data)), spec))
    return BacktestRun(_in_fresh_loop(_run_with_database(database_url, data, spec, store)))


def _params(params: StrategyParams | Mapping[str, Any] | None) -> StrategyParams:
    if isinstance(params, StrategyParams):
        return params
    return StrategyParams.from_mapping({"requires_mark_index": False, **(params or {})})


def _replay_file(prefix: Path, spec: BacktestSpec) -> BacktestResult:
    from mm.adapters.files.recorded_tape import CsvRecordedMarketData
    from mm.apps.backtest.simulated_venue import simulated_venue

    tape = CsvRecordedMarketData(prefix, spec.exchange, spec.symbol).load()
    return replay_tape(prepare_tape(tape, spec), spec, simulated_venue, stopwatch_ns=time.perf_counter_ns)


async def _run_with_database(
    database_url: str, data: str | Path | None, spec: BacktestSpec, store: bool
) -> BacktestResult:
    from mm.adapters.files.recorded_tape import CsvRecordedMarketData
    from mm.adapters.memory.backtest_run_store import InMemoryBacktestRunStore
    from mm.adapters.postgres.backtest_run_store import PostgresBacktestRunStore
    from mm.adapters.postgres.engine import create_engine_for
    from mm.adapters.postgres.recorded_market_data import PostgresRecordedMarketData
    from mm.apps.backtest.simulated_venue import simulated_venue
    from mm.usecases.backtest.backtest import Backtester

    engine = create_engine_for(database_url)
    try:
        source = (
            CsvRecordedMarketData(Path(data), spec.exchange, spec.symbol)
            if data is not None
            else PostgresRecordedMarketData(engine)
        )
        runs = PostgresBacktestRunStore(engine) if store else InMemoryBacktestRunStore()
        backtester = Backtester(
            market_data=source, runs=runs, venue_factory=simulated_venue, stopwatch_ns=time.perf_counter_ns
        )
        return await backtester.run(spec)
    finally:
        await engine.dispose()


def _in_fresh_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end, also from inside a running event loop (Jupyter): in its own thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
