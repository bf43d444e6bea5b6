from __future__ import annotations

import math
from decimal import Decimal

import pytest

from mm.adapters.clock import SimulatedClock
from mm.adapters.sim import (
    FillModel,
    QueuePositionFillModel,
    SimulatedExchange,
    SimulatedExchangeGateway,
    TouchFillModel,
)
from mm.domain.instrument import Instrument
from mm.domain.orders import AccountEvent
from mm.domain.side import Side
from mm.ports.trading_gateway import TradingGateway
from tests.contract.trading_gateway.contract import TradingGatewayContract
from tests.contract.trading_gateway.venue_driver import RestingOrder

INSTRUMENT = Instrument(
    "ETH-USD", tick_size=Decimal("0.01"), step_size=Decimal("0.001"), min_order_size=Decimal("0.01")
)
LATENCY_MS = 25
START_MS = 1_700_000_000_000
BOOK_SIZE = 5.0


class SimulatedVenueDriver:
    """Drives the simulated exchange and its clock the way a replay loop would."""

    def __init__(self, exchange: SimulatedExchange, clock: SimulatedClock) -> None:
        self._exchange = exchange
        self._clock = clock
        self._events: list[AccountEvent] = []

    @property
    def symbol(self) -> str:
        return self._exchange.instrument.symbol

    @property
    def reference_price(self) -> Decimal:
        return Decimal("2000")

    async def set_book(self, bid: Decimal, ask: Decimal) -> None:
        self._exchange.on_bbo(self._clock.now_ms(), float(bid), BOOK_SIZE, float(ask), BOOK_SIZE)

    async def print_trade(self, price: Decimal, size: Decimal, taker_side: Side) -> None:
        self._exchange.on_trade(self._clock.now_ms(), float(price), float(size), taker_side)

    async def settle(self) -> None:
        await self._run_until(self._clock.now_ms() + self._exchange.order_latency_ms)

    async def resting_orders(self) -> list[RestingOrder]:
        return [
            RestingOrder(order.client_order_id, order.side, order.price, order.remaining_size)
            for order in self._exchange.open_orders()
        ]

    async def account_events(self) -> list[AccountEvent]:
        self._events.extend(self._exchange.drain_events())
        return list(self._events)

    async def pass_time(self, seconds: float) -> None:
        await self._run_until(self._clock.now_ms() + math.ceil(seconds * 1000))

    async def _run_until(self, ts_ms: int) -> None:
        await self._clock.run_until(ts_ms)
        self._exchange.advance_to(ts_ms)


@pytest.mark.contract
class TestSimulatedTradingGateway(TradingGatewayContract):
    @pytest.fixture(params=[TouchFillModel, QueuePositionFillModel], ids=["touch", "queue"])
    def fill_model(self, request: pytest.FixtureRequest) -> FillModel:
        model: FillModel = request.param()
        return model

    @pytest.fixture
    def clock(self) -> SimulatedClock:
        return SimulatedClock(START_MS)

    @pytest.fixture
    def exchange(self, fill_model: FillModel) -> SimulatedExchange:
        return SimulatedExchange(
            INSTRUMENT,
            fill_model=fill_model,
            maker_fee_rate=Decimal("0.0002"),
            order_latency_ms=LATENCY_MS,
            start_ts_ms=START_MS,
        )

    @pytest.fixture
    def gateway(self, exchange: SimulatedExchange, clock: SimulatedClock) -> TradingGateway:
        return SimulatedExchangeGateway(exchange, clock)

    @pytest.fixture
    def venue(self, exchange: SimulatedExchange, clock: SimulatedClock) -> SimulatedVenueDriver:
        return SimulatedVenueDriver(exchange, clock)
