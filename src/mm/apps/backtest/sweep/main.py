"""Composition roots of `mm backtest sweep`, `runs` and `compare`: settings, container, stores, the work, the output."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import cast

from mm.apps.async_providers import resolved, settle
from mm.apps.backtest.container import Container
from mm.apps.backtest.run_options import OptionError, backtest_spec
from mm.apps.backtest.settings import BacktestSettings
from mm.apps.backtest.shipped_slice import SHIPPED_EXCHANGE, SHIPPED_SYMBOL, shipped_prefix
from mm.apps.backtest.sweep.jobs import DataSet, TimeSplit
from mm.apps.backtest.sweep.plan import BadPoint, SweepPlan
from mm.apps.backtest.sweep.runners import JobRunner, runner_for
from mm.apps.backtest.sweep.session import SweepOutcome, run_grid
from mm.apps.backtest.sweep.table import sweep_frame
from mm.apps.backtest.sweep.text import comparison_text, runs_text, sweep_text
from mm.apps.settings import exit_bad_settings, read_settings, settings_or_exit
from mm.apps.startup import init_resources_shared_first, startup_boundary
from mm.domain.backtest_sweep import StoredRunSummary
from mm.domain.param_grid import BadGrid
from mm.ports.backtest_run_store import BacktestRunStore
from mm.ports.backtest_sweep_store import BacktestSweepStore
from mm.ports.errors import RecordNotFound

EXIT_NOT_FOUND = 1


def run_sweep(args: argparse.Namespace) -> int:
    return _with_container(args, _sweep)


def run_list(args: argparse.Namespace) -> int:
    return _with_container(args, _list)


def run_compare(args: argparse.Namespace) -> int:
    return _with_container(args, _compare)


def _with_container(
    args: argparse.Namespace, work: Callable[[Container, BacktestSettings, argparse.Namespace], Awaitable[int]]
) -> int:
    settings, problems = read_settings(BacktestSettings)
    settings = settings_or_exit(settings, problems)

    async def main() -> int:
        container = Container(settings=settings)
        container.check_dependencies()
        try:
            with startup_boundary("backtest", settings):
                await init_resources_shared_first(container)
            return await work(container, settings, args)
        finally:
            await settle(container.shutdown_resources())

    return asyncio.run(main())


async def _stores(container: Container) -> tuple[BacktestRunStore, BacktestSweepStore]:
    runs = cast(BacktestRunStore, await resolved(container.runs()))
    sweeps = cast(BacktestSweepStore, await resolved(container.sweeps()))
    return runs, sweeps


async def _sweep(container: Container, settings: BacktestSettings, args: argparse.Namespace) -> int:
    try:
        plan = await _plan(container, settings, args)
        runner = _runner(args)
    except (OptionError, BadPoint, BadGrid, ValueError) as error:
        exit_bad_settings(f"bad options: {error}")
    runs, sweeps = await _stores(container)
    parameters = [axis.name for axis in args.grid]
    try:
        if args.optimize is not None:
            from mm.apps.backtest.sweep.search import run_search, search_settings

            outcome = await run_search(
                plan,
                search_settings(args, cast(str, await resolved(container.shared.database_url()))),
                runs=runs,
                sweeps=sweeps,
                runner=runner,
            )
        else:
            name = args.name or " ".join(f"{axis.name}={','.join(map(str, axis.values))}" for axis in args.grid)
            outcome = await run_grid(plan, args.grid, runs=runs, sweeps=sweeps, runner=runner, name=name or "defaults")
    except (BadPoint, BadGrid) as error:
        exit_bad_settings(f"bad options: {error}")
    return _show_sweep(outcome, parameters, args, settings)


def _show_sweep(
    outcome: SweepOutcome, parameters: list[str], args: argparse.Namespace, settings: BacktestSettings
) -> int:
    from mm.apps.backtest.sweep.ranking import ranked

    objective = args.optimize or "marked_pnl"
    frame = ranked(sweep_frame(outcome.runs), objective, args.min_fills)
    print(f"sweep {outcome.sweep_id}: {len(frame)} runs, {int(frame['reused'].sum())} reused, sorted by {objective}")
    print(sweep_text(frame, parameters))
    if outcome.best_params is not None:
        best = " ".join(f"{name}={value}" for name, value in outcome.best_params.items())
        print(f"best {objective} {outcome.best_value:.6g}: {best}")
    if not args.no_report:
        from mm.apps.backtest.sweep.sweep_report import write_sweep_report

        path = args.report or settings.resolved_report_dir / f"sweep-{outcome.sweep_id}.html"
        write_sweep_report(outcome, frame, parameters, objective, path, importances=outcome.importances)
        print(f"report: {path}")
    return 0


async def _plan(container: Container, settings: BacktestSettings, args: argparse.Namespace) -> SweepPlan:
    if (args.train is None) != (args.test is None):
        raise OptionError("--train and --test go together")
    spec = backtest_spec(args, settings, "-", "-", container.timer_resolution_ms())
    return SweepPlan(
        datasets=await _datasets(container, args),
        base_spec=spec,
        splits=TimeSplit(args.train, args.test) if args.train is not None else None,
        engine_config=container.engine_config(),
    )


async def _datasets(container: Container, args: argparse.Namespace) -> tuple[DataSet, ...]:
    if args.data:
        return tuple(DataSet(args.exchange or "recorded", args.symbol or p.name, prefix=p) for p in args.data)
    if args.from_db:
        if not (args.exchange and args.symbol):
            raise OptionError("--from-db needs --exchange and --symbol")
        url = cast(str, await resolved(container.shared.database_url()))
        spans = args.ranges or [(args.start, args.end)]
        return tuple(
            DataSet(args.exchange, args.symbol, database_url=url, start_ms=start, end_ms=end) for start, end in spans
        )
    return (DataSet(SHIPPED_EXCHANGE, SHIPPED_SYMBOL, prefix=shipped_prefix()),)


def _runner(args: argparse.Namespace) -> JobRunner:
    if args.ray is not None:
        from mm.apps.backtest.sweep.ray_runner import RayRunner

        ray_runner: JobRunner = RayRunner(args.ray, workers=args.workers)
        return ray_runner
    return runner_for(args.workers)


async def _list(container: Container, settings: BacktestSettings, args: argparse.Namespace) -> int:
    _, sweeps = await _stores(container)
    try:
        found = await sweeps.list_runs(sweep_id=args.sweep, limit=args.limit)
    except RecordNotFound as error:
        print(str(error), file=sys.stderr)
        return EXIT_NOT_FOUND
    print(runs_text(found) if found else "no stored backtest runs")
    return 0


async def _compare(container: Container, settings: BacktestSettings, args: argparse.Namespace) -> int:
    runs, _ = await _stores(container)
    try:
        records = [await runs.get(run_id) for run_id in args.run_ids]
    except RecordNotFound as error:
        print(str(error), file=sys.stderr)
        return EXIT_NOT_FOUND
    summaries = [StoredRunSummary.of(record) for record in records]
    print(comparison_text(summaries))
    if not args.no_report:
        from mm.apps.backtest.sweep.compare_report import write_comparison_report

        name = "-".join(map(str, args.run_ids))
        path: Path = args.report or settings.resolved_report_dir / f"compare-{name}.html"
        write_comparison_report(records, summaries, path)
        print(f"report: {path}")
    return 0
