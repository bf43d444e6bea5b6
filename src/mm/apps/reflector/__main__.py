"""Composition root of `mm reflect`: build settings and container, reflect once or every interval.

Exit codes: 0 done (whatever the outcome per market), 1 a market's run failed with an error,
2 bad settings or arguments, 3 could not start (database, model provider package). In `--loop` mode the first SIGINT/SIGTERM lets the current run
finish and then stops; a second one cancels it.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import structlog

from mm.adapters.clock import SystemClock
from mm.adapters.llm.model_id import ModelConfigError
from mm.apps.async_providers import resolved, settle
from mm.apps.reflector.settings import ReflectorSettings
from mm.apps.settings import exit_bad_settings, read_settings, settings_or_exit
from mm.apps.startup import init_resources_shared_first, startup_boundary
from mm.apps.time_text import iso_utc
from mm.domain.reflection_schedule import ReflectionSchedule
from mm.domain.reflection_window import ReflectionWindow

if TYPE_CHECKING:
    from mm.apps.reflector.container import Container
    from mm.usecases.reflection.reflection_loop import ReflectionLoop


def run(args: argparse.Namespace) -> int:
    settings, problems = read_settings(ReflectorSettings)
    schedule = settings.schedule if settings is not None else ReflectionSchedule()
    window = _window(args.window_end, schedule, SystemClock().now_ms()) if args.window_end else None
    if isinstance(window, str):
        problems.append(window)
    elif window is not None and args.loop:
        problems.append("bad options: --window-end and --loop cannot be combined")
    settings = settings_or_exit(settings, problems)
    return asyncio.run(_main(args, settings, window if isinstance(window, ReflectionWindow) else None))


async def _main(args: argparse.Namespace, settings: ReflectorSettings, window: ReflectionWindow | None) -> int:
    # Imported only now: pydantic-ai and the OpenAI SDK take seconds, and bad settings should not wait.
    from mm.apps.reflector.container import Container

    container = Container(settings=settings)
    container.check_dependencies()
    log = structlog.get_logger()
    try:
        with startup_boundary("reflect", settings):
            _build_model(container)
            await init_resources_shared_first(container)
            loop = await resolved(container.loop())
        log.info("reflector_started", model=settings.model_id or "offline", symbols=settings.symbols, loop=args.loop)
        if args.loop:
            await _run_until_signalled(loop)
            return 0
        results = await loop.run_once(window)
        for result in results:
            print(
                f"{result.symbol} {iso_utc(result.window.start_ms)} .. {iso_utc(result.window.end_ms)}: "
                f"{result.outcome.value}" + (f" {result.proposal_id}" if result.proposal_id else "")
            )
        windows = 1 if window is not None else loop.schedule.catch_up
        return 0 if len(results) == len(settings.symbols) * windows else 1  # a failed market window is left out
    finally:
        await settle(container.shutdown_resources())


def _build_model(container: Container) -> None:
    """A bad MODEL is a settings error (exit 2); a missing provider package cannot start (exit 3)."""
    try:
        container.llm_model()
    except ModelConfigError as error:
        exit_bad_settings(f"bad settings: {error}")


async def _run_until_signalled(loop: ReflectionLoop) -> None:
    stop = asyncio.Event()
    task = asyncio.current_task()
    event_loop = asyncio.get_running_loop()

    def on_signal() -> None:
        if stop.is_set() and task is not None:
            task.cancel()
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        event_loop.add_signal_handler(signum, on_signal)
    try:
        await loop.run_until(stop)
    except asyncio.CancelledError:
        structlog.get_logger().warning("reflector_cancelled")
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            event_loop.remove_signal_handler(signum)
    structlog.get_logger().info("reflector_stopped")


def _window(text: str, schedule: ReflectionSchedule, now_ms: int) -> ReflectionWindow | str:
    """The window (REFLECTION_WINDOW_S long) ending at `text` (ISO 8601, UTC if no offset), or the problem
    line when it is not a time or the window is not closed yet (its markouts may still change)."""
    try:
        end = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return f"bad options: --window-end {text!r} is not an ISO 8601 time"
    if end.tzinfo is None:
        end = end.replace(tzinfo=UTC)
    window = schedule.window_ending(int(end.timestamp() * 1000))
    if not schedule.is_closed(window, now_ms):
        return (
            f"bad options: --window-end {text}: that window is not closed until "
            f"{iso_utc(schedule.settled_at_ms(window))} (REFLECTION_SETTLE_S={schedule.settle_ms // 1000} "
            f"after its end, now {iso_utc(now_ms)})"
        )
    return window


if __name__ == "__main__":
    from mm.apps.cli import run_as_module

    run_as_module("reflect")
