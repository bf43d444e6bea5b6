"""Composition root of `mm summarize`: build settings and container, run once or in a loop."""

from __future__ import annotations

import argparse
import asyncio
import signal

import structlog

from mm.apps.async_providers import resolved, settle
from mm.apps.settings import load_settings
from mm.apps.startup import init_resources_shared_first, startup_boundary
from mm.apps.summarizer.container import Container
from mm.apps.summarizer.settings import SummarizerSettings
from mm.apps.time_text import iso_utc
from mm.domain.fill_summary import EnrichedFill
from mm.usecases.summary.summarize import Summarizer, SummaryRun


def run(args: argparse.Namespace) -> int:
    settings = load_settings(SummarizerSettings)
    return asyncio.run(_main(args, settings))


async def _main(args: argparse.Namespace, settings: SummarizerSettings) -> int:
    container = Container(settings=settings)
    container.check_dependencies()
    try:
        with startup_boundary("summarize", settings):
            await init_resources_shared_first(container)
            # The engine is an async resource, so the container hands out awaitables.
            summarizer = await resolved(container.summarizer())
        if args.loop:
            await _loop(summarizer, args.interval_s or settings.summarize_interval_s)
        else:
            print(_run_line(await summarizer.run_once(), container.shared.clock().now_ms()))
        if args.worst > 0:
            await _print_worst(summarizer, container, args.worst, args.window_s)
    finally:
        await settle(container.shutdown_resources())
    return 0


async def _loop(summarizer: Summarizer, interval_s: float) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    structlog.get_logger().info("summarizer_loop_started", interval_s=interval_s)
    try:
        await summarizer.run_forever(interval_s, stop)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    structlog.get_logger().info("summarizer_loop_stopped")


async def _print_worst(summarizer: Summarizer, container: Container, limit: int, window_s: float) -> None:
    now_ms = container.shared.clock().now_ms()
    worst = await summarizer.worst_fills(now_ms - round(window_s * 1000), now_ms + 1, limit)
    print(f"{'fill_id':<24} {'symbol':<12} {'side':<4} {'price':>14} {'size':>12} {'10s bps':>10} {'60s bps':>10}")
    for enriched in worst:
        print(_worst_line(enriched))


def _run_line(run: SummaryRun, now_ms: int) -> str:
    """One line for a person: what the run measured, and what waits for a later run."""
    pending = run.fills_written - run.fills_completed
    waiting = f"; {pending} wait for a markout horizon to pass" if pending > 0 else ""
    return (
        f"summarized at {iso_utc(now_ms)}: {run.fills_examined} fills examined, {run.fills_written} enriched "
        f"({run.fills_completed} with every markout){waiting}; {run.buckets_written} summary buckets written"
    )


def _worst_line(enriched: EnrichedFill) -> str:
    fill = enriched.fill
    bps = [f"{markout.bps:.2f}" if markout else "-" for markout in (enriched.markout_10s, enriched.markout_60s)]
    return (
        f"{fill.fill_id:<24} {fill.symbol:<12} {fill.side.value:<4} {fill.price:>14} {fill.size:>12} "
        f"{bps[0]:>10} {bps[1]:>10}"
    )


if __name__ == "__main__":
    from mm.apps.cli import run_as_module

    run_as_module("summarize")
