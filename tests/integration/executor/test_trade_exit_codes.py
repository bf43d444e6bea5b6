"""`mm trade`'s exit code tells a supervisor whether the venue confirmed it flat."""

from __future__ import annotations

from collections.abc import AsyncIterator
from http import HTTPStatus
from pathlib import Path

import pytest

from mm.apps.executor.__main__ import EXIT_NOT_FLAT
from mm.testing.fake_extended import FakeExtendedServer

from .conftest import SYMBOL, LiveMarket, eventually, quotes_on_both_sides
from .test_trade_process import QUOTING_S, TradeProcess

pytestmark = pytest.mark.integration

MASS_CANCEL = "POST /user/order/massCancel"


@pytest.fixture
async def server() -> AsyncIterator[FakeExtendedServer]:
    async with FakeExtendedServer.start() as running:
        market = LiveMarket(running)
        market.start()
        try:
            yield running
        finally:
            await market.stop()


async def test_sigterm_without_the_venue_confirming_flat_exits_with_the_not_flat_code_and_one_line(
    server: FakeExtendedServer,
    clean_database_url: str,
    tmp_path: Path,
) -> None:
    trade = TradeProcess(server, clean_database_url, tmp_path / "trade.log")
    await trade.start()
    try:
        await eventually(lambda: quotes_on_both_sides(server), QUOTING_S, "quotes on both sides")
        server.faults.fail_next_requests(10_000, status=HTTPStatus.TOO_MANY_REQUESTS, route=MASS_CANCEL)
        exit_code = await trade.terminate()
    finally:
        await trade.ensure_gone()
    assert exit_code == EXIT_NOT_FLAT == 4
    assert server.resting_orders(SYMBOL), "the venue refused every cancel"
    assert server.dead_man_switch.is_armed, "the switch is left to cancel them"
    not_flat_lines = [line for line in trade.output.splitlines() if "without the venue confirming it flat" in line]
    assert len(not_flat_lines) == 1
    assert not not_flat_lines[0].startswith("{")  # a plain line, not a log record
