"""Composition root of `mm backtest`: settings, container, data source, the run, its summary and report."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from typing import cast

import structlog
from tqdm import tqdm

from mm.adapters.files.recorded_csv import MalformedRecording
from mm.adapters.files.recorded_tape import read_book_columns, recording_paths
from mm.adapters.postgres.ingest.recording_import import import_recording
from mm.apps.async_providers import resolved, settle
from mm.apps.backtest.container import Container
from mm.apps.backtest.option_checks import option_problems
from mm.apps.backtest.report import write_report
from mm.apps.backtest.run_options import OptionError, backtest_spec
from mm.apps.backtest.settings import BacktestSettings
from mm.apps.backtest.shipped_slice import SHIPPED_EXCHANGE, SHIPPED_SYMBOL, shipped_prefix
from mm.apps.backtest.summary_table import summary_table
from mm.apps.settings import exit_bad_settings, read_settings, settings_or_exit
from mm.apps.startup import init_resources_shared_first, startup_boundary
from mm.engine_build import engine_build
from mm.ports.errors import RecordNotFound
from mm.ports.recorded_market_data import RecordedMarketData
from mm.usecases.backtest.backtest import Backtester, BacktestResult, BacktestSpec

EXIT_NO_DATA = 1


def run(args: argparse.Namespace) -> int:
    settings, problems = read_settings(BacktestSettings)
    settings = settings_or_exit(settings, [*problems, *option_problems(args, settings)])
    structlog.get_logger(__name__).info("engine_selected", engine=engine_build().describe())
    return asyncio.run(_main(settings, args))


async def _main(settings: BacktestSettings, args: argparse.Namespace) -> int:
    container = Container(settings=settings)
    container.check_dependencies()
    try:
        with startup_boundary("backtest", settings):
            await init_resources_shared_first(container)
        try:
            market_data, exchange, symbol = await _data_source(container, args)
            if args.data is None and not args.from_db and args.start is None and args.end is None:
                args.start, args.end = _shipped_span()
            spec = backtest_spec(args, settings, exchange, symbol, container.timer_resolution_ms())
        except OptionError as error:
            exit_bad_settings(f"bad options: {error}")
        backtester = cast(Backtester, await resolved(container.backtester(market_data=market_data)))
        try:
            result = await _run_with_progress(backtester, spec)
        except RecordNotFound as error:
            print(f"nothing to replay: {error}", file=sys.stderr)
            return EXIT_NO_DATA
        except MalformedRecording as error:  # a bad row past the header, met while replaying
            exit_bad_settings(f"bad options: --data: {error}")
        print(summary_table(result))
        if not args.no_report:
            path = args.report or settings.resolved_report_dir / f"backtest-{result.record.run_id}.html"
            write_report(result, path)
            print(f"report: {path}")
        return 0
    finally:
        await settle(container.shutdown_resources())


async def _data_source(container: Container, args: argparse.Namespace) -> tuple[RecordedMarketData, str, str]:
    """The recorded data to replay, and the market it is labelled with."""
    if args.data is not None:
        exchange = args.exchange or "recorded"
        symbol = args.symbol or args.data.name
        return container.file_market_data(prefix=args.data, exchange=exchange, symbol=symbol), exchange, symbol
    if args.from_db:
        return cast(RecordedMarketData, await resolved(container.database_market_data())), args.exchange, args.symbol
    await _import_shipped_slice(cast(str, await resolved(container.shared.database_url())))
    market_data = cast(RecordedMarketData, await resolved(container.database_market_data()))
    return market_data, SHIPPED_EXCHANGE, SHIPPED_SYMBOL


def _shipped_span() -> tuple[int, int]:
    """The shipped slice's own span, so other data of the market in the database is not replayed with it."""
    book = read_book_columns(recording_paths(shipped_prefix())[0])
    return book.ts_ms[0], book.ts_ms[-1] + 1


async def _import_shipped_slice(database_url: str) -> None:
    """Load the shipped slice into md_* (a no-op after the first time: imports are idempotent)."""
    log = structlog.get_logger()
    book, trades = recording_paths(shipped_prefix())
    for path in (book, trades):
        if path is None:
            continue
        with tqdm(desc=f"import {path.name}", unit=" rows", disable=None, leave=False) as bar:
            try:
                result = await asyncio.to_thread(
                    import_recording, database_url, path, SHIPPED_EXCHANGE, SHIPPED_SYMBOL, bar.update
                )
            except MalformedRecording as error:  # the package itself is damaged
                raise SystemExit(f"the shipped data is unreadable: {error}") from error
        log.info("recording_imported", file=path.name, rows=result.rows, already_there=result.skipped)


async def _run_with_progress(backtester: Backtester, spec: BacktestSpec) -> BacktestResult:
    with tqdm(desc="replay", unit=" rows", unit_scale=True, disable=None, leave=False) as bar:
        return await backtester.run(spec, progress=_progress_to(bar))


def _progress_to(bar: tqdm) -> Callable[[int, int], None]:  # type: ignore[type-arg]
    def report(rows_done: int, rows_total: int) -> None:
        if bar.total != rows_total:
            bar.total = rows_total
        bar.update(rows_done - bar.n)

    return report


if __name__ == "__main__":
    from mm.apps.cli import run_as_module

    run_as_module("backtest")
