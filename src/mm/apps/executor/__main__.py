"""Composition root of `mm trade`: settings, container, params in force, then the executor until SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import signal
from typing import Any

from mm.apps.executor.container import Container
from mm.apps.executor.settings import ExecutorSettings
from mm.apps.settings import exit_bad_settings, load_settings
from mm.usecases.params_in_force import params_in_force


def run(args: argparse.Namespace) -> int:
    overrides = {"PAPER_TRADING": True} if args.paper else {}
    settings = load_settings(ExecutorSettings, **overrides)
    missing = [] if settings.paper_trading else settings.missing_credentials()
    if missing:
        exit_bad_settings(
            "bad settings: "
            + "; ".join(f"{name} is missing (live trading needs it; or use --paper)" for name in missing)
        )
    return asyncio.run(_main(settings))


async def _main(settings: ExecutorSettings) -> int:
    container = Container(settings=settings)
    container.check_dependencies()
    await _maybe_await(container.init_resources())
    try:
        exchange: str = container.exchange()
        configured = settings.configured_params()
        store = await _resolved(container.params_store())
        params = {
            symbol: await params_in_force(
                store, exchange, symbol, configured, is_overridden=settings.strategy_params is not None
            )
            for symbol in settings.symbols
        }
        executor = await _resolved(container.executor(params=params))
        exit_code: int = await executor.run(_stop_on_signals())
        return exit_code
    finally:
        await _maybe_await(container.shutdown_resources())


def _stop_on_signals() -> asyncio.Event:
    """An event set by SIGTERM or SIGINT: the executor then cancels every order before it exits."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop


async def _maybe_await(result: object) -> None:
    if asyncio.iscoroutine(result) or isinstance(result, asyncio.Future):
        await result


async def _resolved(provided: Any) -> Any:
    """A provider's object: providers that depend on async resources hand out futures."""
    if asyncio.isfuture(provided) or asyncio.iscoroutine(provided):
        return await provided
    return provided
