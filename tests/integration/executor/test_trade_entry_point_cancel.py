"""`mm trade`'s entry point cancels at the venue when something escapes even the executor's failure path.

The executor's own catch-all handles every `Exception`; what is left (a `BaseException` such as a
cancellation, or a failure inside that catch-all) reaches the entry point, which sends the mass
cancel straight to the gateway before the process goes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from mm.apps.executor import __main__ as trade_main
from mm.apps.executor.settings import ExecutorSettings
from mm.testing.fake_extended import FakeExtendedServer
from mm.usecases.trading.live_executor import LiveExecutor

from .conftest import SYMBOL, LiveMarket, eventually, quotes_on_both_sides
from .test_trade_process import QUOTING_S, TradeProcess

pytestmark = pytest.mark.integration

MASS_CANCEL = "POST /user/order/massCancel"


class Escaped(BaseException):
    """What the executor's `except Exception` does not catch."""


@pytest.fixture
async def server() -> AsyncIterator[FakeExtendedServer]:
    async with FakeExtendedServer.start() as running:
        market = LiveMarket(running)
        market.start()
        try:
            yield running
        finally:
            await market.stop()


async def test_a_base_exception_out_of_the_executor_still_leaves_the_venue_flat(
    server: FakeExtendedServer, clean_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = TradeProcess(server, clean_database_url, tmp_path / "unused.log").env
    for name in ("DATABASE_URL", "SYMBOL", "MM_HOME", "LOG_DIR", "STRATEGY_PARAMS", "LOG_LEVEL"):
        monkeypatch.setenv(name, env[name])
    for name, value in env.items():
        if name.startswith("EXTENDED_"):
            monkeypatch.setenv(name, value)
    trade_until = LiveExecutor._trade_until

    async def quote_then_escape(self: LiveExecutor, stop: asyncio.Event) -> Any:
        trading = asyncio.get_running_loop().create_task(trade_until(self, stop))
        await eventually(lambda: quotes_on_both_sides(server), QUOTING_S, "quotes on both sides")
        trading.cancel()
        await asyncio.gather(trading, return_exceptions=True)
        raise Escaped

    monkeypatch.setattr(LiveExecutor, "_trade_until", quote_then_escape)
    running = asyncio.get_running_loop().create_task(trade_main._main(ExecutorSettings()))  # type: ignore[call-arg]
    await asyncio.wait({running}, timeout=QUOTING_S + 30)
    assert running.done(), "mm trade's entry point did not return"
    with pytest.raises(Escaped):
        running.result()
    assert server.resting_orders(SYMBOL) == []
    assert server.requests.count(MASS_CANCEL) >= 1
    assert server.dead_man_switch.expiry_count == 0
