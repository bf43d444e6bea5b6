"""Composition root of `mm trade`: settings, container, params in force, then the executor until SIGTERM.

Exit codes: 0 stopped by a signal, 1 the executor failed (after pausing and cancelling), 2 bad
settings, 3 could not start (database, Extended unreachable or refusing the API key), 4 stopped
(by a signal or a failure) without the venue confirming that none of our orders is open.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

import structlog

from mm.adapters.extended import ExtendedRestSession
from mm.adapters.extended.account_reads import ExtendedAccountReads
from mm.apps.async_providers import resolved, settle
from mm.apps.executor.container import Container
from mm.apps.executor.settings import ExecutorSettings, LiveAccountSettings
from mm.apps.settings import read_settings, settings_or_exit
from mm.apps.startup import init_resources_shared_first, startup_boundary
from mm.engine_build import engine_build
from mm.ports.trading_gateway import TradingGateway
from mm.usecases.trading.emergency_cancel import emergency_cancel_all
from mm.usecases.trading.live_executor import LiveExecutor
from mm.usecases.trading.params_in_force import params_in_force

EXIT_NOT_FLAT = 4
EMERGENCY_CANCEL_TIMEOUT_S = 5.0
# How long start-up keeps trying to read the venue's markets (their trading rules bound the feed).
_MARKETS_READ_TIMEOUT_S = 30.0


def run(args: argparse.Namespace) -> int:
    overrides = {"PAPER_TRADING": True} if args.paper else {}
    settings, problems = read_settings(ExecutorSettings, **overrides)
    # Read on its own too, so missing secrets are named beside any other bad setting.
    account = settings or read_settings(LiveAccountSettings, **overrides)[0]
    if account is not None and not account.paper_trading:
        problems += [
            f"bad settings: {name} is missing (live trading needs it; or use --paper)"
            for name in account.missing_credentials()
        ]
    checked = settings_or_exit(settings, problems)
    structlog.get_logger(__name__).info("engine_selected", engine=engine_build().describe())
    return asyncio.run(_main(checked))


async def _main(settings: ExecutorSettings) -> int:
    container = Container(settings=settings)
    container.check_dependencies()
    try:
        with startup_boundary("trade", settings):
            executor = await _started(container, settings)
        try:
            exit_code: int = await executor.run(_stop_on_signals())
        except BaseException:
            # Even the executor's failure path failed: cancel at the venue before the process goes.
            gateway: TradingGateway = await resolved(container.gateway())
            await emergency_cancel_all(gateway, settings.symbols, timeout_s=EMERGENCY_CANCEL_TIMEOUT_S)
            raise
        if executor.is_venue_flat is False:
            print(_not_flat_line(settings), file=sys.stderr)
            return EXIT_NOT_FLAT
        return exit_code
    finally:
        await settle(container.shutdown_resources())


def _not_flat_line(settings: ExecutorSettings) -> str:
    """The one plain line a supervisor reads when orders of ours may still rest on the venue."""
    return (
        f"mm trade stopped without the venue confirming it flat ({', '.join(settings.symbols)}): orders of ours "
        f"may still be open; the venue's dead man's switch cancels them at most {settings.dead_man_switch_s} s "
        "after its last refresh; check the account"
    )


async def _started(container: Container, settings: ExecutorSettings) -> LiveExecutor:
    """Resources up, the account's key checked (live), the params in force read: the executor, ready to run."""
    await init_resources_shared_first(container)
    await _check_account(container, settings)
    await container.market_listing().check_listed(settings.symbols, give_up_after_s=_MARKETS_READ_TIMEOUT_S)
    exchange: str = container.exchange()
    configured = settings.configured_params()
    store = await resolved(container.params_store())
    params = {
        symbol: await params_in_force(
            store, exchange, symbol, configured, is_overridden=settings.strategy_params is not None
        )
        for symbol in settings.symbols
    }
    executor: LiveExecutor = await resolved(container.executor(params=params))
    return executor


async def _check_account(container: Container, settings: ExecutorSettings) -> None:
    """One authenticated read before trading, so a refused API key stops start-up, not the first reconcile."""
    session: ExtendedRestSession | None = await resolved(container.rest_session())
    if session is not None:  # paper trading has no account
        await ExtendedAccountReads(session).open_orders(settings.symbols[0])


def _stop_on_signals() -> asyncio.Event:
    """An event set by SIGTERM or SIGINT: the executor then cancels every order before it exits."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop


if __name__ == "__main__":
    from mm.apps.cli import run_as_module

    run_as_module("trade")
