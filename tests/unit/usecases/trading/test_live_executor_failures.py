"""Whatever escapes the engine, the executor cancels at the venue before it exits, without ticking again."""

from __future__ import annotations

import asyncio
from typing import Any, NoReturn

import pytest

from mm.domain.instrument import Instrument
from mm.domain.orders import OpenOrder, OrderRequest, PlacedOrder, Position
from mm.ports.errors import ExchangeUnavailable
from mm.usecases.trading.emergency_cancel import emergency_cancel_all
from tests.engine_faults import fail_ticks

from .executor_harness import HARNESS_PARAMS, Venue, by_side, quoting

FAILURE = "the engine's tick failed"


def failing_tick(*_args: Any) -> NoReturn:
    raise ZeroDivisionError(FAILURE)


async def test_a_failing_tick_ends_the_run_with_the_venue_flat_and_runs_no_tick_on_the_way_out() -> None:
    venue = Venue()
    running = await quoting(venue)
    assert by_side(venue.open_orders()) == {"buy": 1, "sell": 1}
    fail_ticks(running.executor, "BTC-USD", ZeroDivisionError(FAILURE))  # the failure path's ticks fail too
    running.book(60_000.0, 60_001.0)
    assert await running.finished() == 1
    assert venue.open_orders() == []
    assert running.executor.is_venue_flat is True


async def test_a_failing_state_snapshot_on_the_way_out_still_leaves_the_venue_flat() -> None:
    venue = Venue()
    running = await quoting(venue)
    fail_ticks(running.executor, "BTC-USD", ZeroDivisionError(FAILURE), also=("state_snapshot",))
    running.book(60_000.0, 60_001.0)
    assert await running.finished() == 1
    assert venue.open_orders() == []


async def test_orders_the_pre_trade_check_refuses_are_counted_and_never_reach_the_venue() -> None:
    venue = Venue()
    # A 2 bps half-spread against a 1 bps band: every quote is farther from the reference than allowed.
    params = HARNESS_PARAMS.with_changes({"base_half_spread_bps": 2.0, "max_order_deviation_bps": 1.0})
    running = await quoting(venue, params=params)
    assert venue.open_orders() == []
    refused_buys = running.metrics.value(
        "executor_order_refusals_total", symbol="BTC-USD", side="buy", reason="far_from_reference"
    )
    assert refused_buys is not None
    assert refused_buys > 0
    assert await running.stopped() == 0


class FailingGateway:
    """A gateway whose mass cancel fails in one market and never answers in another."""

    def __init__(self) -> None:
        self.cancelled: list[str] = []

    async def cancel_all(self, symbol: str) -> None:
        if symbol == "ETH-USD":
            raise ExchangeUnavailable("503")
        if symbol == "SOL-USD":
            await asyncio.sleep(10)
        self.cancelled.append(symbol)

    async def instrument(self, symbol: str) -> Instrument:
        raise NotImplementedError

    async def place_order(self, request: OrderRequest) -> PlacedOrder:
        raise NotImplementedError

    async def replace_order(self, previous_client_order_id: str, request: OrderRequest) -> PlacedOrder:
        raise NotImplementedError

    async def cancel_order(self, symbol: str, client_order_id: str) -> None:
        raise NotImplementedError

    async def open_orders(self, symbol: str) -> list[OpenOrder]:
        raise NotImplementedError

    async def position(self, symbol: str) -> Position:
        raise NotImplementedError

    async def arm_dead_man_switch(self, countdown_s: int) -> None:
        raise NotImplementedError


@pytest.mark.parametrize(
    ("symbols", "answered"), [(("BTC-USD",), True), (("ETH-USD", "BTC-USD"), False), (("SOL-USD", "BTC-USD"), False)]
)
async def test_the_emergency_cancel_never_raises_and_tries_every_market(
    symbols: tuple[str, ...], answered: bool
) -> None:
    gateway = FailingGateway()
    assert await emergency_cancel_all(gateway, symbols, timeout_s=0.05) is answered
    assert gateway.cancelled == ["BTC-USD"]
