"""Which market an account event belongs to: one answer for the adapters' stream filters and the executor's routing."""

from __future__ import annotations

from decimal import Decimal

from mm.domain.orders import (
    AccountResynced,
    AccountStreamGap,
    Balance,
    BalanceUpdate,
    Fill,
    FillEvent,
    OpenOrder,
    OrderStatus,
    OrderUpdate,
    Position,
    PositionUpdate,
    symbol_of,
)
from mm.domain.side import Side

TS_MS = 1_700_000_000_000


def test_an_order_update_belongs_to_its_order_s_market() -> None:
    order = OpenOrder(
        client_order_id="c-1",
        exchange_order_id="x-1",
        symbol="ETH-USD",
        side=Side.BUY,
        price=Decimal(3000),
        size=Decimal(1),
        filled_size=Decimal(0),
        status=OrderStatus.NEW,
        created_ts_ms=TS_MS,
        updated_ts_ms=TS_MS,
    )
    assert symbol_of(OrderUpdate(order, TS_MS)) == "ETH-USD"


def test_a_fill_belongs_to_its_market() -> None:
    fill = Fill("f-1", "c-1", "x-1", "SOL-USD", Side.SELL, Decimal(150), Decimal(1), Decimal(0), False, TS_MS)
    assert symbol_of(FillEvent(fill, TS_MS)) == "SOL-USD"


def test_a_position_update_belongs_to_its_market() -> None:
    assert symbol_of(PositionUpdate(Position.flat("BTC-USD", TS_MS), TS_MS)) == "BTC-USD"


def test_a_resync_belongs_to_the_market_it_read() -> None:
    assert symbol_of(AccountResynced("BTC-USD", (), Position.flat("BTC-USD", TS_MS), TS_MS)) == "BTC-USD"


def test_a_balance_belongs_to_no_market() -> None:
    assert symbol_of(BalanceUpdate(Balance(Decimal(1), Decimal(1), TS_MS), TS_MS)) is None


def test_a_stream_gap_belongs_to_no_market() -> None:
    assert symbol_of(AccountStreamGap(TS_MS)) is None
