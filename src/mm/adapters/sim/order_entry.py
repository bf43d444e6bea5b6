"""The simulated venue's checks on an order request, and its conversion to ticks and steps.

Like Extended, the venue refuses what is not on the instrument's grid rather than rounding it:
rounding is the engine's job (`Instrument.round_price`), and a misaligned request is a bug.
"""

from __future__ import annotations

from decimal import Decimal

from mm.adapters.sim.sim_order import SimOrder
from mm.domain.instrument import Instrument
from mm.domain.memo import remember
from mm.domain.orders import OrderRequest
from mm.ports.errors import InvalidRequest


def check_symbol(instrument: Instrument, symbol: str) -> None:
    if symbol != instrument.symbol:
        raise InvalidRequest(f"unknown market {symbol!r}: the simulated exchange trades {instrument.symbol!r}")


class OrderEntry:
    """Turns requests into `SimOrder`s. Prices and sizes already found on the grid are remembered:
    a replay sends ~100k orders at a few hundred distinct prices, and the Decimal checks cost more
    than the rest of a placement."""

    __slots__ = ("_float_step", "_instrument", "_steps", "_ticks")

    def __init__(self, instrument: Instrument) -> None:
        self._instrument = instrument
        self._float_step = float(instrument.step_size)
        self._ticks: dict[Decimal, int] = {}
        self._steps: dict[Decimal, int] = {}

    def new_order(self, request: OrderRequest, *, exchange_order_id: str, ts_ms: int) -> SimOrder:
        """A new order in integer ticks and steps; raise `InvalidRequest` for anything the venue refuses."""
        check_symbol(self._instrument, request.symbol)
        if not request.post_only:
            raise InvalidRequest(f"{request.client_order_id}: the simulated exchange only takes post-only orders")
        price_ticks = self._ticks.get(request.price)
        if price_ticks is None:
            price_ticks = remember(self._ticks, request.price, self._checked_ticks(request))
        size_steps = self._steps.get(request.size)
        if size_steps is None:
            size_steps = remember(self._steps, request.size, self._checked_steps(request))
        return SimOrder(
            client_order_id=request.client_order_id,
            exchange_order_id=exchange_order_id,
            side=request.side,
            price_ticks=price_ticks,
            size_steps=size_steps,
            step_size=self._float_step,
            created_ts_ms=ts_ms,
        )

    def _checked_ticks(self, request: OrderRequest) -> int:
        instrument = self._instrument
        if not instrument.is_price_aligned(request.price):
            raise InvalidRequest(f"{request.client_order_id}: price {request.price} is not a multiple of the tick")
        return int(request.price / instrument.tick_size)

    def _checked_steps(self, request: OrderRequest) -> int:
        instrument = self._instrument
        if not instrument.is_size_aligned(request.size):
            raise InvalidRequest(f"{request.client_order_id}: size {request.size} is not a multiple of the step")
        if request.size < instrument.min_order_size:
            raise InvalidRequest(
                f"{request.client_order_id}: size {request.size} is below the minimum {instrument.min_order_size}"
            )
        return int(request.size / instrument.step_size)
