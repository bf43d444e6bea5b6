"""Backtests from a notebook through `mm backtest`'s own container: the run, and its tables as DataFrames.

`mm.backtest` is the public face of this module; its docstring shows the use.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from dependency_injector import providers

from mm.apps.async_providers import resolved, settle
from mm.apps.backtest.container import Container
from mm.apps.backtest.run_options import backtest_params
from mm.apps.backtest.settings import NotebookBacktestSettings
from mm.apps.backtest.shipped_slice import SHIPPED_EXCHANGE, SHIPPED_SYMBOL, shipped_prefix
from mm.domain.params import StrategyParams
from mm.ports.backtest_run_store import BacktestRunStore
from mm.ports.recorded_market_data import RecordedMarketData
from mm.usecases.backtest.backtest import Backtester, BacktestResult, BacktestSpec, FillModelKind

if TYPE_CHECKING:
    import pandas as pd

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
        from mm.apps.backtest.frames import fills_frame

        return fills_frame(self.result)

    @property
    def pnl(self) -> pd.DataFrame:
        from mm.apps.backtest.frames import pnl_frame

        return pnl_frame(self.result)

    @property
    def quotes(self) -> pd.DataFrame:
        from mm.apps.backtest.frames import quotes_frame

        return quotes_frame(self.result)

    @property
    def modes(self) -> pd.DataFrame:
        from mm.apps.backtest.frames import modes_frame

        return modes_frame(self.result)

    @property
    def pauses(self) -> pd.DataFrame:
        from mm.apps.backtest.frames import pauses_frame

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
    if data is None and database_url is None:
        data, exchange, symbol = shipped_prefix(), SHIPPED_EXCHANGE, SHIPPED_SYMBOL
    spec = BacktestSpec(
        exchange=exchange or "recorded",
        symbol=symbol or (Path(data).name if data is not None else ""),
        params=params if isinstance(params, StrategyParams) else backtest_params(params),
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
    container = notebook_container(database_url)
    data_path = Path(data) if data is not None else None
    return BacktestRun(in_fresh_loop(replayed(container, spec, data_path, kept=store and database_url is not None)))


def notebook_container(database_url: str | None) -> Container:
    """`mm backtest`'s container as a notebook uses it: settings from the arguments only, and the app's
    logging set-up left out (a notebook keeps its own; the database is opened only if a run needs it)."""
    given: dict[str, Any] = {"DATABASE_URL": database_url} if database_url is not None else {}
    container = Container(settings=NotebookBacktestSettings(**given))
    container.shared.logging.override(providers.Object(None))
    return container


async def replayed(container: Container, spec: BacktestSpec, data: Path | None, *, kept: bool) -> BacktestResult:
    """One run on the container's backtester; the database is opened only when the data or the run need it.

    `data` None replays the md_* rows of the spec's market; the container's resources are shut down after.
    """
    try:
        market_data: RecordedMarketData = (
            container.file_market_data(prefix=data, exchange=spec.exchange, symbol=spec.symbol)
            if data is not None
            else await resolved(container.database_market_data())
        )
        runs: BacktestRunStore = await resolved(container.runs()) if kept else container.unkept_runs()
        backtester: Backtester = await resolved(container.backtester(market_data=market_data, runs=runs))
        return await backtester.run(spec)
    finally:
        await settle(container.shutdown_resources())


def in_fresh_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end, also from inside a running event loop (Jupyter): in its own thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
