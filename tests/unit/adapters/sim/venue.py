"""A simulated exchange on a hand-built market for the exchange's unit tests."""

from __future__ import annotations

from decimal import Decimal

from mm.adapters.sim.exchange import SimulatedExchange
from mm.adapters.sim.fill_models import FillModel
from mm.domain.instrument import Instrument
from mm.domain.orders import AccountEvent, OrderRequest, OrderStatus, OrderUpdate
from mm.domain.side import Side

SYMBOL = "ETH-USD"
INSTRUMENT = Instrument(SYMBOL, tick_size=Decimal("0.1"), step_size=Decimal("0.001"), min_order_size=Decimal("0.01"))
START_MS = 1_700_000_000_000


def exchange(
    *, latency_ms: int = 0, fill_model: FillModel | None = None, maker_fee_rate: Decimal = Decimal(0)
) -> SimulatedExchange:
    venue = SimulatedExchange(
        INSTRUMENT,
        fill_model=fill_model,
        maker_fee_rate=maker_fee_rate,
        order_latency_ms=latency_ms,
        start_ts_ms=START_MS,
    )
    venue.on_bbo(START_MS, 100.0, 2.0, 100.5, 3.0)
    return venue


def request(client_order_id: str, side: Side, price: str, size: str = "0.1") -> OrderRequest:
    return OrderRequest(client_order_id, SYMBOL, side, Decimal(price), Decimal(size))


def statuses(events: list[AccountEvent], client_order_id: str) -> list[tuple[OrderStatus, str]]:
    return [
        (event.order.status, event.order.reason.value)
        for event in events
        if isinstance(event, OrderUpdate) and event.order.client_order_id == client_order_id
    ]
