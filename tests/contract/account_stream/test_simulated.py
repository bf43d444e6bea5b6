from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import pytest

from mm.adapters.clock import SimulatedClock
from mm.adapters.sim import SimulatedAccountStream, SimulatedExchange, SimulatedExchangeGateway, TouchFillModel
from mm.domain.fill_history_mark import FillHistoryMark
from mm.domain.instrument import Instrument
from mm.domain.orders import FillEvent
from mm.domain.side import Side
from tests.contract.account_stream.contract import AccountStreamContract, FillNextBid, Restart, orders_of

INSTRUMENT = Instrument(
    "ETH-USD", tick_size=Decimal("0.01"), step_size=Decimal("0.001"), min_order_size=Decimal("0.01")
)
LATENCY_MS = 25
START_MS = 1_700_000_000_000
BOOK_SIZE = 5.0
DELIVERY_S = 0.01


class SimulatedAccountSource:
    """Drives the simulated exchange and its clock the way a paper-trading loop would."""

    def __init__(self, exchange: SimulatedExchange, clock: SimulatedClock) -> None:
        self._exchange = exchange
        self._clock = clock

    @property
    def symbol(self) -> str:
        return INSTRUMENT.symbol

    @property
    def other_symbol(self) -> str:
        return "BTC-USD"

    @property
    def reference_price(self) -> Decimal:
        return Decimal("2000")

    async def wait_until_listening(self) -> None:
        await asyncio.sleep(0)  # the reader's task takes its first turn and waits for the exchange

    async def wait_until_not_listening(self) -> None:
        await asyncio.sleep(0)  # a closed iteration takes no more events from the exchange

    async def set_book(self, bid: Decimal, ask: Decimal) -> None:
        self._exchange.on_bbo(self._clock.now_ms(), float(bid), BOOK_SIZE, float(ask), BOOK_SIZE)

    async def print_trade(self, price: Decimal, size: Decimal, taker_side: Side) -> None:
        self._exchange.on_trade(self._clock.now_ms(), float(price), float(size), taker_side)

    async def settle(self) -> None:
        ts_ms = self._clock.now_ms() + self._exchange.order_latency_ms
        await self._clock.run_until(ts_ms)
        self._exchange.advance_to(ts_ms)
        await asyncio.sleep(DELIVERY_S)

    async def interrupt(self) -> None:
        raise NotImplementedError("the simulated account stream has no connection to lose")


@pytest.mark.contract
class TestSimulatedAccountStream(AccountStreamContract):
    @pytest.fixture
    def clock(self) -> SimulatedClock:
        return SimulatedClock(START_MS)

    @pytest.fixture
    def exchange(self) -> SimulatedExchange:
        return SimulatedExchange(
            INSTRUMENT,
            fill_model=TouchFillModel(),
            maker_fee_rate=Decimal("0.0002"),
            order_latency_ms=LATENCY_MS,
            start_ts_ms=START_MS,
        )

    @pytest.fixture
    def gateway(self, exchange: SimulatedExchange, clock: SimulatedClock) -> SimulatedExchangeGateway:
        return SimulatedExchangeGateway(exchange, clock)

    @pytest.fixture
    async def stream(self, exchange: SimulatedExchange) -> AsyncIterator[SimulatedAccountStream]:
        stream = SimulatedAccountStream(exchange)
        yield stream
        await stream.aclose()

    @pytest.fixture
    def new_stream(self, exchange: SimulatedExchange) -> Callable[[], SimulatedAccountStream]:
        return lambda: SimulatedAccountStream(exchange)

    @pytest.fixture
    def source(self, exchange: SimulatedExchange, clock: SimulatedClock) -> SimulatedAccountSource:
        return SimulatedAccountSource(exchange, clock)

    async def test_a_fill_waiting_in_the_exchange_that_the_mark_holds_is_left_out(
        self,
        restart: Restart,
        clock: SimulatedClock,
        fill_next_bid: FillNextBid,
    ) -> None:
        await fill_next_bid()
        recorded_until_ms = clock.now_ms()
        restarted = await restart(FillHistoryMark(recorded_until_ms, recorded_until_ms, frozenset()))
        live = await fill_next_bid()
        fills = await restarted.wait_for(FillEvent)
        assert orders_of(fills) == [live]
