"""A grid sweep end to end on `mm backtest`'s container: its stores, a runner, the plan's jobs, the runs back."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mm.apps.backtest.sweep.engine_version import engine_version
from mm.apps.backtest.sweep.jobs import DataSet
from mm.apps.backtest.sweep.plan import SweepPlan
from mm.apps.backtest.sweep.runners import JobRunner
from mm.apps.backtest.sweep.sweeper import Sweeper, SweepRun
from mm.apps.backtest.sweep.worker import load_tape
from mm.domain.param_grid import GridAxis, expand_grid
from mm.ports.backtest_run_store import BacktestRunStore
from mm.ports.backtest_sweep_store import BacktestSweepStore


async def data_identity(dataset: DataSet) -> str:
    """The digest of the data set's columns; loads it here once (pool workers forked later inherit it)."""
    return (await asyncio.to_thread(load_tape, dataset)).sha256()


@dataclass(frozen=True, slots=True)
class SweepOutcome:
    """A finished sweep's runs; a search adds its best parameters and their importances."""

    sweep_id: int
    runs: list[SweepRun]
    best_params: Mapping[str, Any] | None = None
    best_value: float | None = None
    importances: Mapping[str, float] | None = None


def sweeper(runs: BacktestRunStore, sweeps: BacktestSweepStore, runner: JobRunner) -> Sweeper:
    return Sweeper(
        runs=runs, sweeps=sweeps, runner=runner, data_identity=data_identity, engine_version=engine_version()
    )


def plan_config(plan: SweepPlan, extra: Mapping[str, Any]) -> dict[str, Any]:
    """What the sweep row keeps: the data sets (labels, never a database URL), the split, and `extra`."""
    return {
        "data": [dataset.label for dataset in plan.datasets],
        "train": list(plan.splits.train) if plan.splits is not None else None,
        "test": list(plan.splits.test) if plan.splits is not None else None,
        "engine_version": engine_version(),
        **extra,
    }


async def run_grid(
    plan: SweepPlan,
    axes: Sequence[GridAxis],
    *,
    runs: BacktestRunStore,
    sweeps: BacktestSweepStore,
    runner: JobRunner,
    name: str,
) -> SweepOutcome:
    """Every grid point on every data set (and split side), stored with one new sweep id."""
    points = expand_grid(axes)
    jobs = plan.jobs(points)
    sweep = sweeper(runs, sweeps, runner)
    config = plan_config(plan, {"kind": "grid", "grid": {axis.name: list(axis.values) for axis in axes}})
    sweep_id = await sweep.start(name, config)
    return SweepOutcome(sweep_id, await sweep.run(sweep_id, jobs))
