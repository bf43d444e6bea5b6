"""`mm.backtest.sweep(...)`: a grid (or a search) from a notebook, one DataFrame row per run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mm.apps.async_providers import resolved, settle
from mm.apps.backtest.container import Container
from mm.apps.backtest.notebook import in_fresh_loop, notebook_container
from mm.apps.backtest.run_options import backtest_params
from mm.apps.backtest.shipped_slice import SHIPPED_EXCHANGE, SHIPPED_SYMBOL, shipped_prefix
from mm.apps.backtest.sweep.jobs import DataSet, TimeSplit
from mm.apps.backtest.sweep.plan import SweepPlan
from mm.apps.backtest.sweep.runners import JobRunner, runner_for
from mm.apps.backtest.sweep.session import SweepOutcome, run_grid
from mm.apps.backtest.sweep.table import sweep_frame
from mm.domain.param_grid import GridAxis
from mm.ports.backtest_run_store import BacktestRunStore
from mm.ports.backtest_sweep_store import BacktestSweepStore
from mm.usecases.backtest.backtest import BacktestSpec, FillModelKind

if TYPE_CHECKING:
    import pandas as pd


def sweep(
    grid: Mapping[str, Sequence[Any]] | None = None,
    *,
    data: str | Path | Sequence[str | Path] | None = None,
    exchange: str | None = None,
    symbol: str | None = None,
    params: Mapping[str, Any] | None = None,
    fill_model: str = "queue",
    maker_fee_rate: Decimal | float | str = 0,
    timer_resolution_ms: int = 10,
    ask_offset: float = 0.0,
    start_ms: int | None = None,
    end_ms: int | None = None,
    train: tuple[int | None, int | None] | None = None,
    test: tuple[int | None, int | None] | None = None,
    workers: int | None = None,
    ray: str | None = None,
    runner: JobRunner | None = None,
    database_url: str | None = None,
    name: str = "notebook sweep",
) -> pd.DataFrame:
    """Run every point of `grid` (parameter -> values) on each recorded set in `data` (default: the shipped
    slice), on `workers` processes (default: every core). With `database_url` every run is stored there
    with the sweep's id and a run already stored is reused; without, runs are kept in memory only.
    `train`/`test` are (start_ms, end_ms) spans replayed separately for every point. `ray` runs on a Ray
    cluster instead ("auto", an address, or "local" for one started here; the `ray` extra)."""
    plan = SweepPlan(
        datasets=_datasets(data, exchange, symbol),
        base_spec=BacktestSpec(
            exchange="-",
            symbol="-",
            params=backtest_params(params),
            fill_model=FillModelKind(fill_model),
            maker_fee_rate=Decimal(str(maker_fee_rate)),
            timer_resolution_ms=timer_resolution_ms,
            ask_offset=ask_offset,
            start_ms=start_ms,
            end_ms=end_ms,
        ),
        splits=TimeSplit(train, test) if train is not None and test is not None else None,
    )
    axes = [GridAxis(name_, tuple(values)) for name_, values in (grid or {}).items()]
    if runner is None and ray is not None:
        from mm.apps.backtest.sweep.ray_runner import RayRunner

        runner = RayRunner(ray, workers=workers)
    container = notebook_container(database_url)
    outcome = in_fresh_loop(
        _swept(container, plan, axes, runner or runner_for(workers), name, kept=database_url is not None)
    )
    frame = sweep_frame(outcome.runs)
    frame.attrs["sweep_id"] = outcome.sweep_id
    return frame


def _datasets(
    data: str | Path | Sequence[str | Path] | None, exchange: str | None, symbol: str | None
) -> tuple[DataSet, ...]:
    if data is None:
        return (DataSet(SHIPPED_EXCHANGE, SHIPPED_SYMBOL, prefix=shipped_prefix()),)
    prefixes = [data] if isinstance(data, str | Path) else list(data)
    return tuple(DataSet(exchange or "recorded", symbol or Path(p).name, prefix=Path(p)) for p in prefixes)


async def _swept(
    container: Container, plan: SweepPlan, axes: list[GridAxis], runner: JobRunner, name: str, *, kept: bool
) -> SweepOutcome:
    try:
        runs: BacktestRunStore = await resolved(container.runs()) if kept else container.unkept_runs()
        sweeps: BacktestSweepStore = await resolved(container.sweeps()) if kept else container.unkept_sweeps()
        return await run_grid(plan, axes, runs=runs, sweeps=sweeps, runner=runner, name=name)
    finally:
        await settle(container.shutdown_resources())
