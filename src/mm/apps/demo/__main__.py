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
import contextlib
import io
import signal
import sys
import time
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from rich.console import Console
from rich.live import Live

from mm.apps.async_providers import resolved, settle
from mm.apps.dashboard.cli import ADDRESS_LINE_PREFIX as DASHBOARD_ADDRESS_PREFIX
from mm.apps.demo import cast
from mm.apps.demo.children import Child, read_prefixed_line, read_settings_block
from mm.apps.demo.recording import RecordingMissing, recording_of, replay_seconds
from mm.apps.demo.settings import DemoSettings
from mm.apps.demo.show import Board, live_view, summary_view
from mm.apps.settings import exit_bad_settings, load_settings
from mm.apps.startup import init_resources_shared_first, startup_boundary
from mm.apps.status.render import console_for

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from mm.adapters.postgres.status_reader import PostgresStatusReader
    from mm.domain.market_status import SystemStatus
    from mm.ports.clock import Clock

EXIT_NOT_CLEAN = 1
_STOP_TIMEOUT_S = 40.0
_VENUE_SETTINGS_TIMEOUT_S = 60.0
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
    try:
        recording = recording_of(args)
    except RecordingMissing as error:
        exit_bad_settings(f"bad options: {error}")
    return asyncio.run(_main(args, recording, quiet))


async def _main(args: argparse.Namespace, recording: cast.Recording, settings: DemoSettings) -> int:
    total_s = args.minutes * 60 if args.minutes else replay_seconds(recording.prefix, args.speed)
    demo = _Demo(recording, settings.run_home(datetime.now(UTC)), args.speed, console_for(sys.stdout))
    return await demo.perform(settings, total_s)


class _Demo:
    """The run: the live view from the first moment, the venue and the database started side by side."""

    def __init__(self, recording: cast.Recording, home: Path, speed: float, console: Console) -> None:
        self.recording = recording
        self.home = home
        self.console = console
        self.started = time.monotonic()
        self.venue = cast.fake_venue(recording, home, speed)
        self.apps: list[Child] = []
        self._dashboard_address: asyncio.Task[None] | None = None
        self.venue_settings: dict[str, str] = {}
        self.stop = asyncio.Event()
        self.board = Board(children=[self.venue], note="starting the fake venue and the database")

    async def perform(self, settings: DemoSettings, total_s: float) -> int:
        self.console.print(f"mm demo: every app's log is in {cast.log_dir_of(self.home)}")
        exit_codes: dict[str, int | None] = {}
        open_orders: int | None = None
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.stop.set)
        try:
            async with AsyncExitStack() as resources:
                with Live(live_view(self.board), console=self.console, refresh_per_second=2) as live:
                    try:
                        await self.venue.start(stdout_pipe=True)
                        engine, reader, clock = await self._open_database(settings, resources)
                        live.update(live_view(self.board))
                        if not self.stop.is_set():  # Ctrl-C while the database started: start nothing more
                            await self._start_apps()
                            await self._watch(live, reader, clock, total_s)
                    finally:
                        self.board.note = "stopping: every app in turn, then the venue"
                        live.update(live_view(self.board))
                        exit_codes = await self._stop_all()
                        # No app started (Ctrl-C during start-up): nothing of ours can rest at the venue.
                        open_orders = self.board.open_orders if self.apps else 0
                self._report_exits()
                if self.apps:
                    exit_codes["summarize (last run)"] = await self._last_summary()
                await self._close(exit_codes, open_orders, engine, reader, clock)
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)
        is_clean = all(code == 0 for code in exit_codes.values()) and open_orders == 0
        return 0 if is_clean else EXIT_NOT_CLEAN

    async def _open_database(
        self, settings: DemoSettings, resources: AsyncExitStack
    ) -> tuple[AsyncEngine, PostgresStatusReader, Clock]:
        """The embedded Postgres (or DATABASE_URL) at head; imported only now, once the view is up."""
        from mm.adapters.postgres import migrations
        from mm.apps.demo.container import Container

        container = Container(settings=settings)
        container.check_dependencies()
        resources.push_async_callback(lambda: settle(container.shutdown_resources()))
        with startup_boundary("demo", settings):
            await init_resources_shared_first(container)
            url = await resolved(container.shared.database_url())
            migrations.upgrade(url)  # the demo's database is the user's sandbox: bring it to head
            engine = await resolved(container.shared.engine())
            reader = await resolved(container.reader())
        self.stage = cast.Stage(database_url=url, home=self.home)
        self.board.note = "database ready; waiting for the fake venue"
        return engine, reader, container.shared.clock()

    async def _start_apps(self) -> None:
        self.venue_settings = await read_settings_block(self.venue, timeout_s=_VENUE_SETTINGS_TIMEOUT_S)
        for child in cast.apps(self.venue_settings, self.stage):
            await child.start()
            self.apps.append(child)
        dashboard = cast.dashboard(self.venue_settings, self.stage)
        await dashboard.start(stdout_pipe=True)
        self.apps.append(dashboard)
        self.board.children = [self.venue, *self.apps]
        self.board.note = "apps starting: the market appears once mm ingest has stored its first book"
        self._dashboard_address = asyncio.get_running_loop().create_task(self._print_dashboard_address(dashboard))

    async def _print_dashboard_address(self, dashboard: Child) -> None:
        """The dashboard's address once it listens (it prints it), without holding up the live view."""
        with contextlib.suppress(Exception):
            address = await read_prefixed_line(dashboard, DASHBOARD_ADDRESS_PREFIX, timeout_s=_STOP_TIMEOUT_S)
            self.console.print(f"mm demo: the dashboard is at {address}")

    async def _watch(self, live: Live, reader: PostgresStatusReader, clock: Clock, total_s: float) -> None:
        """Refresh the live view every second until the time is up, Ctrl-C, or a child exits on its own."""
        begin = time.monotonic()
        self.board.total_s = total_s
        while not self.stop.is_set() and time.monotonic() - begin < total_s:
            if not all(child.is_running for child in self.board.children):
                break
            self.board.status = await reader.read([self.recording.market], clock.now_ms())
            self.board.elapsed_s = time.monotonic() - begin
            if self.board.status.markets and self.board.status.markets[0].has_data:
                self.board.note = ""
            live.update(live_view(self.board))
            await _wait_or_stop(self.stop, 1.0)

    async def _stop_all(self) -> dict[str, int | None]:
        exit_codes: dict[str, int | None] = {}
        if self._dashboard_address is not None:
            self._dashboard_address.cancel()
        for child in [*reversed(self.apps), self.venue]:
            if child is self.venue and self.venue_settings:
                self.board.open_orders = await _open_orders(self.venue_settings)
            code = await child.stop(_STOP_TIMEOUT_S)
            # Stopped before it could start (Ctrl-C soon after the start): clean; the venue's answer covers orders.
            exit_codes[f"{child.name} (stopped while starting)" if child.stopped_while_starting else child.name] = (
                0 if child.stopped_while_starting else code
            )
        return exit_codes

    def _report_exits(self) -> None:
        for child in self.board.children:
            if child.exit_code not in (0, None) and not child.stopped_while_starting:
                self.console.print(f"[red]{child.name} exited with {child.exit_code}:[/red]\n{child.log_tail()}")

    async def _last_summary(self) -> int | None:
        child = cast.last_summarizer_run(self.venue_settings, self.stage)
        await child.start()
        assert child.process is not None
        return await child.process.wait()

    async def _close(
        self,
        exit_codes: dict[str, int | None],
        open_orders: int | None,
        engine: AsyncEngine,
        reader: PostgresStatusReader,
        clock: Clock,
    ) -> None:
        counts = await _row_counts(engine, self.recording.market)
        status: SystemStatus = await reader.read([self.recording.market], clock.now_ms())
        view = summary_view(status, exit_codes, counts, open_orders, time.monotonic() - self.started)
        self.console.print()
        self.console.print(view)
        recorder = Console(record=True, width=140, file=io.StringIO())
        recorder.print(view)
        report = self.home / "demo-report.html"
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
    from sqlalchemy import text

    counts: dict[str, int] = {}
    async with engine.connect() as conn:
        for table in _COUNTED_TABLES:
            query = text(f"SELECT count(*) FROM {table} WHERE symbol = :symbol")  # fixed names, not input
            counts[table] = int((await conn.execute(query, {"symbol": market})).scalar_one())
    return counts
