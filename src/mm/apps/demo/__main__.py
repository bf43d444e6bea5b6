"""Composition root of `mm demo`: the fake venue and every app as supervised children on one database.

Order: database (embedded unless DATABASE_URL), fake venue, then ingest, trade, summarize, reflect, and the
browser dashboard (its address is printed). The live view reads what they write through the read model of
`mm status`. At the end, or on Ctrl-C, the apps stop in reverse order (the executor cancels its orders), the
venue is asked whether any order of ours still rests, and a last summarizer run measures the last fills. Exit 0
only when every child stopped cleanly and the venue is flat.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import signal
import sys
import time
from datetime import UTC, datetime

import httpx
from rich.console import Console
from rich.live import Live
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres import migrations
from mm.adapters.postgres.status_reader import PostgresStatusReader
from mm.apps.async_providers import resolved, settle
from mm.apps.dashboard.cli import ADDRESS_LINE_PREFIX as DASHBOARD_ADDRESS_PREFIX
from mm.apps.demo import cast
from mm.apps.demo.children import Child, read_prefixed_line, read_settings_block
from mm.apps.demo.container import Container
from mm.apps.demo.recording import recording_of, replay_seconds
from mm.apps.demo.settings import DemoSettings
from mm.apps.demo.show import live_view, summary_view
from mm.apps.settings import load_settings
from mm.apps.startup import init_resources_shared_first, startup_boundary
from mm.apps.status.render import console_for
from mm.domain.market_status import SystemStatus
from mm.ports.clock import Clock

EXIT_NOT_CLEAN = 1
_STOP_TIMEOUT_S = 40.0
_COUNTED_TABLES = (
    "md_bbo",
    "md_trade",
    "ex_order",
    "ex_fill",
    "fills_enriched",
    "agg_1m",
    "llm_proposal",
    "param_rollout",
)


def run(args: argparse.Namespace) -> int:
    settings = load_settings(DemoSettings)
    # The terminal is the live view's; the demo's own INFO lines would tear it. Its children log to files.
    quiet = settings.model_copy(update={"log_level": "WARNING"})
    return asyncio.run(_main(args, quiet))


async def _main(args: argparse.Namespace, settings: DemoSettings) -> int:
    recording = recording_of(args)
    total_s = args.minutes * 60 if args.minutes else replay_seconds(recording.prefix, args.speed)
    container = Container(settings=settings)
    container.check_dependencies()
    try:
        with startup_boundary("demo", settings):
            await init_resources_shared_first(container)
            url = await resolved(container.shared.database_url())
            migrations.upgrade(url)  # the demo's database is the user's sandbox: bring it to head
            engine = await resolved(container.shared.engine())
            reader = await resolved(container.reader())
        stage = cast.Stage(database_url=url, home=settings.run_home(datetime.now(UTC)), speed=args.speed)
        demo = _Demo(recording, stage, reader, container.shared.clock(), console_for(sys.stdout))
        return await demo.perform(total_s, engine)
    finally:
        await settle(container.shutdown_resources())


class _Demo:
    def __init__(
        self, recording: cast.Recording, stage: cast.Stage, reader: PostgresStatusReader, clock: Clock, console: Console
    ) -> None:
        self.recording = recording
        self.stage = stage
        self.reader = reader
        self.clock = clock
        self.console = console
        self.started = time.monotonic()
        self.venue = cast.fake_venue(recording, stage)
        self.apps: list[Child] = []
        self.venue_settings: dict[str, str] = {}

    async def perform(self, total_s: float, engine: AsyncEngine) -> int:
        exit_codes: dict[str, int | None] = {}
        open_orders: int | None = None
        try:
            await self._start()
            await self._watch(total_s)
        finally:
            for child in reversed(self.apps):
                exit_codes[child.name] = await child.stop(_STOP_TIMEOUT_S)
            if self.venue_settings:
                open_orders = await _open_orders(self.venue_settings)
            exit_codes[self.venue.name] = await self.venue.stop(_STOP_TIMEOUT_S)
        exit_codes["summarize (last run)"] = await self._last_summary()
        await self._close(exit_codes, open_orders, engine)
        is_clean = all(code == 0 for code in exit_codes.values()) and open_orders == 0
        return 0 if is_clean else EXIT_NOT_CLEAN

    async def _start(self) -> None:
        await self.venue.start(stdout_pipe=True)
        self.venue_settings = await read_settings_block(self.venue, timeout_s=30)
        for child in cast.apps(self.venue_settings, self.stage):
            await child.start()
            self.apps.append(child)
        board = cast.dashboard(self.venue_settings, self.stage)
        await board.start(stdout_pipe=True)
        self.apps.append(board)
        address = await read_prefixed_line(board, DASHBOARD_ADDRESS_PREFIX, timeout_s=60)
        self.console.print(f"mm demo: the dashboard is at {address}")
        self.console.print(f"mm demo: every app's log is in {self.stage.log_dir}")

    async def _watch(self, total_s: float) -> None:
        """Refresh the live view every second until the time is up, Ctrl-C, or a child exits on its own."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        children = [self.venue, *self.apps]
        begin = time.monotonic()
        try:
            view = live_view(await self._status(), children, 0, total_s)
            with Live(view, console=self.console, auto_refresh=False) as live:
                while not stop.is_set() and time.monotonic() - begin < total_s:
                    if not all(child.is_running for child in children):
                        break
                    await _wait_or_stop(stop, 1.0)
                    live.update(
                        live_view(await self._status(), children, time.monotonic() - begin, total_s), refresh=True
                    )
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)
        for child in children:
            if not child.is_running:
                self.console.print(f"[red]{child.name} exited with {child.exit_code}:[/red]\n{child.log_tail()}")

    async def _status(self) -> SystemStatus:
        return await self.reader.read([self.recording.market], self.clock.now_ms())

    async def _last_summary(self) -> int | None:
        child = cast.last_summarizer_run(self.venue_settings, self.stage)
        await child.start()
        assert child.process is not None
        return await child.process.wait()

    async def _close(self, exit_codes: dict[str, int | None], open_orders: int | None, engine: AsyncEngine) -> None:
        counts = await _row_counts(engine, self.recording.market)
        view = summary_view(await self._status(), exit_codes, counts, open_orders, time.monotonic() - self.started)
        self.console.print()
        self.console.print(view)
        recorder = Console(record=True, width=140, file=io.StringIO())
        recorder.print(view)
        report = self.stage.home / "demo-report.html"
        recorder.save_html(str(report))
        self.console.print(f"report: {report}")


async def _wait_or_stop(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return


async def _open_orders(venue_settings: dict[str, str]) -> int | None:
    """How many orders the venue still holds for us (None: it did not answer)."""
    try:
        async with httpx.AsyncClient(timeout=5) as http:
            response = await http.get(
                f"{venue_settings['EXTENDED_API_URL']}/user/orders",
                headers={"X-Api-Key": venue_settings["EXTENDED_API_KEY"]},
            )
            response.raise_for_status()
            return len(response.json().get("data") or [])
    except (httpx.HTTPError, ValueError, KeyError):
        return None


async def _row_counts(engine: AsyncEngine, market: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    async with engine.connect() as conn:
        for table in _COUNTED_TABLES:
            query = text(f"SELECT count(*) FROM {table} WHERE symbol = :symbol")  # fixed names, not input
            counts[table] = int((await conn.execute(query, {"symbol": market})).scalar_one())
    return counts
