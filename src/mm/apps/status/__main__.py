"""Composition root of `mm status`: read the database once, or keep refreshing with --watch."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

from rich.live import Live

from mm.adapters.postgres.status_reader import PostgresStatusReader
from mm.apps.async_providers import resolved, settle
from mm.apps.settings import load_settings
from mm.apps.startup import init_resources_shared_first, startup_boundary
from mm.apps.status.container import Container
from mm.apps.status.render import console_for, status_json, status_view
from mm.apps.status.settings import StatusSettings
from mm.domain.market_status import SystemStatus
from mm.ports.clock import Clock


def run(args: argparse.Namespace) -> int:
    settings = load_settings(StatusSettings)
    if "log_level" not in settings.model_fields_set:
        # Its output is the status; start-up lines (settings, database opened) would only push it off the screen.
        settings = settings.model_copy(update={"log_level": "WARNING"})
    return asyncio.run(_main(args, settings))


async def _main(args: argparse.Namespace, settings: StatusSettings) -> int:
    container = Container(settings=settings)
    container.check_dependencies()
    try:
        with startup_boundary("status", settings):
            await init_resources_shared_first(container)
            reader = await resolved(container.reader())
            clock: Clock = container.shared.clock()
            first = await reader.read(settings.symbols, clock.now_ms())
        if args.watch:
            await _watch(_Refresher(reader, clock, settings.symbols), first, args)
        else:
            _print(first, as_json=args.json)
    finally:
        await settle(container.shutdown_resources())
    return 0


class _Refresher:
    def __init__(self, reader: PostgresStatusReader, clock: Clock, symbols: list[str]) -> None:
        self.reader = reader
        self.clock = clock
        self.symbols = symbols

    async def read(self) -> SystemStatus:
        return await self.reader.read(self.symbols, self.clock.now_ms())


def _print(status: SystemStatus, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(status_json(status)), flush=True)
    else:
        console_for(sys.stdout).print(status_view(status))


async def _watch(refresher: _Refresher, first: SystemStatus, args: argparse.Namespace) -> None:
    """Refresh until SIGINT/SIGTERM: in place on a terminal, one document per refresh otherwise."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    if args.json or not sys.stdout.isatty():
        status = first
        while True:
            _print(status, as_json=args.json)
            if await _sleep_or_stop(refresher.clock, stop, args.interval_s):
                return
            status = await refresher.read()
    with Live(status_view(first), console=console_for(sys.stdout), auto_refresh=False) as live:
        while not await _sleep_or_stop(refresher.clock, stop, args.interval_s):
            live.update(status_view(await refresher.read()), refresh=True)


async def _sleep_or_stop(clock: Clock, stop: asyncio.Event, seconds: float) -> bool:
    """Wait `seconds` on the clock; True when a stop was asked for meanwhile."""
    sleeper = asyncio.ensure_future(clock.sleep(seconds))
    stopper = asyncio.ensure_future(stop.wait())
    await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
    for task in (sleeper, stopper):
        task.cancel()
    return stop.is_set()
