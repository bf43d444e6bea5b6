"""Composition root of `mm data export`: md_* rows of one market to another engine's format."""

from __future__ import annotations

import argparse
import asyncio
import sys
from contextlib import ExitStack

import structlog

from mm.adapters.files.hftbacktest_events import to_events, write_events
from mm.adapters.observability.logging import configure_logging, secret_values
from mm.adapters.postgres.engine import create_engine_for
from mm.adapters.postgres.recorded_market_data import PostgresRecordedMarketData
from mm.apps.backtest.cli import parse_time_ms
from mm.apps.database import open_database
from mm.apps.settings import CommonSettings, read_settings, settings_or_exit
from mm.apps.startup import startup_boundary
from mm.domain.market_tape import MarketTape
from mm.ports.errors import RecordNotFound

EXIT_NO_DATA = 1


def run_export(args: argparse.Namespace) -> int:
    problems: list[str] = []
    try:
        start_ms = parse_time_ms(args.start) if args.start else None
        end_ms = parse_time_ms(args.end) if args.end else None
    except argparse.ArgumentTypeError as error:
        problems.append(f"bad options: --start/--end: {error}")
        start_ms = end_ms = None
    settings, setting_problems = read_settings(CommonSettings)
    settings = settings_or_exit(settings, [*setting_problems, *problems])
    configure_logging(settings.log_level, secrets=secret_values(settings))
    with ExitStack() as resources:
        with startup_boundary("data", settings):
            url = resources.enter_context(open_database(settings))
        try:
            tape = asyncio.run(_tape(url, args.exchange, args.symbol, start_ms, end_ms))
        except RecordNotFound as error:
            print(f"nothing to export: {error}", file=sys.stderr)
            return EXIT_NO_DATA
        events = to_events(tape.book, tape.trades)
        path = write_events(args.out, events)
    structlog.get_logger().info("recording_exported", format=args.format, events=len(events), path=str(path))
    print(f"{len(events):,} events ({len(tape.book):,} book rows, {len(tape.trades):,} trades) -> {path}")
    return 0


async def _tape(url: str, exchange: str, symbol: str, start_ms: int | None, end_ms: int | None) -> MarketTape:
    engine = create_engine_for(url)
    try:
        return await PostgresRecordedMarketData(engine).tape(exchange, symbol, start_ms, end_ms)
    finally:
        await engine.dispose()
