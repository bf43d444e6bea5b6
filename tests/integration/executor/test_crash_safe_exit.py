"""A tick that fails in the executor over the fake's sockets: the venue is flat before the run ends.

The finding: after an exception in the engine, the failure path's own PAUSE tick raised too, so the
mass cancel was never sent and only the dead man's switch, 30 s later, cleaned up. Now the mass
cancel goes straight to the gateway first, running none of the engine's code.
"""

from __future__ import annotations

from typing import Any, NoReturn

import pytest

from mm.adapters.postgres.engine import create_engine_for
from mm.testing.fake_extended import FakeExtendedServer
from tests.engine_faults import fail_ticks

from .conftest import SYMBOL, InProcessExecutor, LiveMarket, eventually, quotes_on_both_sides

pytestmark = pytest.mark.integration

WARM_UP_S = 40.0
MASS_CANCEL = "POST /user/order/massCancel"


def failing_tick(*_args: Any) -> NoReturn:
    raise ArithmeticError("a tick that fails")


async def test_a_failing_tick_leaves_the_venue_flat_without_the_dead_man_switch(database_url: str) -> None:
    engine = create_engine_for(database_url)
    async with FakeExtendedServer.start() as server:
        market = LiveMarket(server)
        market.start()
        executor = InProcessExecutor(server, engine)
        executor.start()
        try:
            await eventually(lambda: quotes_on_both_sides(server), WARM_UP_S, "quotes on both sides")
            # Every tick fails from now on, the failure path's own too.
            fail_ticks(executor.executor, SYMBOL, ArithmeticError("a tick that fails"), also=("state_snapshot",))
            assert executor.task is not None
            await eventually(executor.task.done, 10.0, "the executor to stop after the failure")
            exit_code = executor.task.result()
            resting_after = server.resting_orders(SYMBOL)
            expiries = server.dead_man_switch.expiry_count
        finally:
            await executor.close()
            await market.stop()
            await engine.dispose()
    assert exit_code == 1
    assert resting_after == []
    assert executor.executor.is_venue_flat is True
    assert server.requests.count(MASS_CANCEL) >= 1
    assert expiries == 0
