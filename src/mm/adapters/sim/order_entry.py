"""The simulated venue's stateless checks on an order request, and its conversion to ticks and steps.

Like Extended, the venue refuses what is not on the instrument's grid rather than rounding it:
rounding is the engine's job (`Instrument.round_price`), and a misaligned request is a bug.
"""

from __future__ import annotations

from mm.adapters.sim.sim_order import SimOrder
from mm.domain.instrument import Instrument
from mm.domain.orders import OrderRequest
from mm.ports.errors import InvalidRequest


def check_symbol(instrument: Instrument, symbol: str) -> None:
    if symbol != instrument.symbol:
        raise InvalidRequest(f"unknown market {symbol!r}: the simulated exchange trades {instrument.symbol!r}")


def sim_order_from_request(
    request: OrderRequest, instrument: Instrument, *, exchange_order_id: str, ts_ms: int
) -> SimOrder:
    """A new order in integer ticks and steps; raise `InvalidRequest` for anything the venue refuses."""
    check_symbol(instrument, request.symbol)
    if not request.post_only:
        raise InvalidRequest(f"{request.client_order_id}: the simulated exchange only takes post-only orders")
    if not instrument.is_price_aligned(request.price):
        raise InvalidRequest(f"{request.client_order_id}: price {request.price} is not a multiple of the tick")
    if not instrument.is_size_aligned(request.size):
        raise InvalidRequest(f"{request.client_order_id}: size {request.size} is not a multiple of the step")
    if request.size < instrument.min_order_size:
        raise InvalidRequest(
            f"{request.client_order_id}: size {request.size} is below the minimum {instrument.min_order_size}"
        )
    return SimOrder(
        client_order_id=request.client_order_id,
        exchange_order_id=exchange_order_id,
        side=request.side,
        price_ticks=int(request.price / instrument.tick_size),
        size_steps=int(request.size / instrument.step_size),
        step_size=float(instrument.step_size),
        created_ts_ms=ts_ms,
    )
