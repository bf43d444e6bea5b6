"""The private stream: initial state, then ORDER/TRADE/POSITION/BALANCE frames in SDK-valid shapes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus
from x10.clients.rest import RestApiClient
from x10.models.account import AccountStreamDataModel
from x10.models.http import WrappedStreamResponseModel
from x10.models.order import OrderSide

from mm.testing.fake_extended import FakeExtendedServer, OrderStatus, PriceDerivation

from .conftest import PlaceOrder
from .stream_reading import recv_frame, recv_frames

pytestmark = pytest.mark.integration

AccountFrame = WrappedStreamResponseModel[AccountStreamDataModel]


async def test_a_new_connection_first_gets_balance_positions_and_open_orders(
    server: FakeExtendedServer, place_order: PlaceOrder
) -> None:
    await place_order("bid-1")
    async with connect(server.stream_url + "/account", additional_headers={"X-Api-Key": server.api_key}) as ws:
        frames = [AccountFrame.model_validate(f) for f in await recv_frames(ws, 3)]

    assert [(f.type, f.seq) for f in frames] == [("BALANCE", 1), ("POSITION", 2), ("ORDER", 3)]
    balance, orders = frames[0].data, frames[2].data
    assert balance is not None
    assert balance.balance is not None
    assert orders is not None
    assert [o.external_id for o in orders.orders or []] == ["bid-1"]


async def test_the_account_stream_refuses_a_connection_without_the_api_key(server: FakeExtendedServer) -> None:
    with pytest.raises(InvalidStatus) as raised:
        async with connect(server.stream_url + "/account"):
            pass

    assert raised.value.response.status_code == 401


async def test_a_placed_order_is_confirmed_as_new(account_stream: ClientConnection, place_order: PlaceOrder) -> None:
    await place_order("bid-1")

    frame = AccountFrame.model_validate(await recv_frame(account_stream))

    assert (frame.type, frame.seq) == ("ORDER", 4)
    assert frame.data is not None
    assert [(o.external_id, o.status) for o in frame.data.orders or []] == [("bid-1", "NEW")]


async def test_a_crossing_post_only_order_is_accepted_then_rejected_on_the_stream(
    server: FakeExtendedServer, account_stream: ClientConnection, place_order: PlaceOrder
) -> None:
    placed = await place_order("bid-cross", "84010")

    frame = AccountFrame.model_validate(await recv_frame(account_stream))

    assert frame.data is not None
    [order] = frame.data.orders or []
    assert (order.id, order.status, order.status_reason) == (placed.id, "REJECTED", "POST_ONLY_FAILED")
    assert server.resting_orders() == []


async def test_with_the_reject_knob_off_a_crossing_post_only_order_rests(
    server: FakeExtendedServer, place_order: PlaceOrder
) -> None:
    server.faults.reject_crossing_post_only = False

    await place_order("bid-cross", "84010")

    assert [o.external_id for o in server.resting_orders()] == ["bid-cross"]


async def test_a_print_at_our_bid_fills_it_with_trade_order_position_and_balance_frames(
    server: FakeExtendedServer, account_stream: ClientConnection, place_order: PlaceOrder
) -> None:
    placed = await place_order("bid-1", "83990")
    await recv_frame(account_stream)

    await server.market.push_trade("83990", "0.5", "sell")
    frames = [AccountFrame.model_validate(f) for f in await recv_frames(account_stream, 4)]

    assert [f.type for f in frames] == ["TRADE", "ORDER", "POSITION", "BALANCE"]
    trade, order, position = frames[0].data, frames[1].data, frames[2].data
    assert trade is not None
    assert order is not None
    assert position is not None
    assert [(t.order_id, t.price, t.qty, t.is_taker) for t in trade.trades or []] == [
        (placed.id, Decimal(83990), Decimal("0.001"), False)
    ]
    assert [(o.status, o.filled_qty) for o in order.orders or []] == [("FILLED", Decimal("0.001"))]
    assert [(p.side, p.size, p.open_price) for p in position.positions or []] == [
        ("LONG", Decimal("0.001"), Decimal(83990))
    ]
    assert server.position_size() == Decimal("0.001")


async def test_a_print_above_our_bid_does_not_fill_it(server: FakeExtendedServer, place_order: PlaceOrder) -> None:
    await place_order("bid-1", "83990")

    await server.market.push_trade("83991", "0.5", "sell")

    assert [o.status for o in server.orders()] == [OrderStatus.NEW]


async def test_an_ask_fills_when_the_best_bid_rises_to_it(server: FakeExtendedServer, place_order: PlaceOrder) -> None:
    await place_order("ask-1", "84020", side=OrderSide.SELL)

    await server.market.push_bbo("84020", "1", "84030", "1")

    assert server.resting_orders() == []
    assert server.position_size() == Decimal("-0.001")


async def test_capped_touch_fills_leave_an_order_partially_filled() -> None:
    async with FakeExtendedServer.start(caps_touch_fills_at_trade_size=True) as server:
        await server.market.push_bbo("84000", "1", "84010", "1")
        async with RestApiClient(server.client_config(), server.stark_account()) as client:
            await client.place_order(
                "BTC-USD", Decimal("0.010"), Decimal("83990"), OrderSide.BUY, Decimal("0.00025"), post_only=True
            )

        await server.market.push_trade("83990", "0.004", "sell")

        [order] = server.resting_orders()
        assert (order.status, order.filled_qty) == (OrderStatus.PARTIALLY_FILLED, Decimal("0.004"))


async def test_a_crossing_taker_order_fills_at_the_best_ask_paying_the_taker_fee(
    server: FakeExtendedServer, place_order: PlaceOrder
) -> None:
    await place_order("take-1", "84050", post_only=False)

    [fill] = server.account.fills
    assert (fill.price, fill.is_taker, fill.fee) == (
        Decimal(84010),
        True,
        Decimal("0.001") * 84010 * Decimal("0.00025"),
    )


async def test_closing_a_position_realises_its_pnl_into_the_balance() -> None:
    async with FakeExtendedServer.start(price_derivation=PriceDerivation(Decimal(0), Decimal(0))) as server:
        await server.market.push_bbo("84000", "1", "84010", "1")
        async with RestApiClient(server.client_config(), server.stark_account()) as client:
            await client.place_order(
                "BTC-USD", Decimal("0.01"), Decimal("84000"), OrderSide.BUY, Decimal(0), post_only=True
            )
            await server.market.push_trade("84000", "1", "sell")
            await client.place_order(
                "BTC-USD", Decimal("0.01"), Decimal("84100"), OrderSide.SELL, Decimal(0), post_only=True
            )
            await server.market.push_trade("84100", "1", "buy")

        assert server.position_size() == 0
        assert server.account.balance == Decimal(100_000) + Decimal(1)
