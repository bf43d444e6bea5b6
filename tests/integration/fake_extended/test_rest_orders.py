"""Order placement, replace and cancels through the real SDK against the fake server."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import aiohttp
import pytest
from x10.clients.rest import RestApiClient
from x10.config import MAINNET_CONFIG
from x10.core.stark_account import StarkPerpetualAccount
from x10.errors import ApiError
from x10.models.order import OrderSide
from x10.signing.order_object import create_order_object

from mm.testing.fake_extended import FakeCredentials, FakeExtendedServer, MarketSpec, OrderStatus

from .conftest import PlaceOrder

pytestmark = pytest.mark.integration


def error_code(error: ApiError) -> int:
    """The business code inside the SDK's error text (`... code 400 - {json}`)."""
    body = str(error).split(" - ", 1)[1]
    code: int = json.loads(body)["error"]["code"]
    return code


async def test_a_post_only_order_signed_by_the_sdk_rests_on_the_book(
    server: FakeExtendedServer, place_order: PlaceOrder
) -> None:
    placed = await place_order("bid-1", "83990")

    [order] = server.resting_orders()
    assert (order.id, order.external_id, order.price, order.qty) == (
        placed.id,
        "bid-1",
        Decimal(83990),
        Decimal("0.001"),
    )
    assert order.post_only
    assert placed.id > 2**53


async def test_an_order_whose_price_was_changed_after_signing_is_rejected_with_code_1101(
    server: FakeExtendedServer,
) -> None:
    async with RestApiClient(server.client_config()) as client:
        market = (await client.info.get_markets(market_names=["BTC-USD"])).data[0]
    order = create_order_object(
        account=server.stark_account(),
        market=market,
        amount_of_synthetic=Decimal("0.001"),
        price=Decimal("83990"),
        side=OrderSide.BUY,
        post_only=True,
        starknet_domain=MAINNET_CONFIG.signing.starknet_domain,
        taker_fee=Decimal("0.00025"),
    )
    body = order.to_api_request_json(exclude_none=True)
    body["price"] = "83000"
    body.pop("debuggingAmounts")
    async with aiohttp.ClientSession() as http:
        response = await http.post(f"{server.rest_url}/user/order", json=body, headers={"X-Api-Key": server.api_key})
        reply = await response.json()

    assert (response.status, reply["status"], reply["error"]["code"]) == (400, "ERROR", 1101)
    assert server.orders() == []


async def test_an_order_signed_with_another_stark_key_is_rejected_with_code_1100(server: FakeExtendedServer) -> None:
    stranger = FakeCredentials.create(api_key=server.api_key, private_key=0x1234567890ABCDEF)
    account = StarkPerpetualAccount(stranger.vault, stranger.private_key_hex, stranger.public_key_hex, stranger.api_key)
    async with RestApiClient(server.client_config(), account) as client:
        with pytest.raises(ApiError) as raised:
            await client.place_order("BTC-USD", Decimal("0.001"), Decimal("83990"), OrderSide.BUY, Decimal("0.00025"))

    assert error_code(raised.value) == 1100


async def test_an_order_signed_for_testnet_is_rejected_with_code_1101(server: FakeExtendedServer) -> None:
    testnet_signing = dataclasses.replace(
        server.client_config(),
        signing=dataclasses.replace(
            MAINNET_CONFIG.signing,
            starknet_domain=dataclasses.replace(MAINNET_CONFIG.signing.starknet_domain, chain_id="SN_SEPOLIA"),
        ),
    )
    async with RestApiClient(testnet_signing, server.stark_account()) as client:
        with pytest.raises(ApiError) as raised:
            await client.place_order("BTC-USD", Decimal("0.001"), Decimal("83990"), OrderSide.BUY, Decimal("0.00025"))

    assert error_code(raised.value) == 1101


@pytest.mark.parametrize(
    ("price", "qty", "code"),
    [
        ("83990.5", "0.001", 1125),
        ("83990", "0.000015", 1123),
        ("83990", "0.00005", 1120),
    ],
)
async def test_prices_and_sizes_off_the_market_steps_are_rejected_with_their_codes(
    place_order: PlaceOrder, price: str, qty: str, code: int
) -> None:
    with pytest.raises(ApiError) as raised:
        await place_order("bad", price, qty=qty)

    assert error_code(raised.value) == code


async def test_a_price_between_ticks_of_a_coarse_market_is_rejected_with_code_1124() -> None:
    async with (
        FakeExtendedServer.start(markets=[MarketSpec(name="BTC-USD", tick_size=Decimal(5))]) as server,
        RestApiClient(server.client_config(), server.stark_account()) as client,
    ):
        with pytest.raises(ApiError) as raised:
            await client.place_order("BTC-USD", Decimal("0.001"), Decimal("83993"), OrderSide.BUY, Decimal("0.00025"))

    assert error_code(raised.value) == 1124


async def test_a_taker_order_signing_less_than_the_taker_fee_is_rejected_with_code_1128(
    place_order: PlaceOrder,
) -> None:
    with pytest.raises(ApiError) as raised:
        await place_order("cheap", "83990", post_only=False, taker_fee="0.0001")

    assert error_code(raised.value) == 1128


async def test_an_order_larger_than_the_available_collateral_is_rejected_with_code_1140(
    place_order: PlaceOrder,
) -> None:
    with pytest.raises(ApiError) as raised:
        await place_order("huge", "83990", qty="20")

    assert error_code(raised.value) == 1140


async def test_reusing_a_client_order_id_is_rejected_with_code_1134(place_order: PlaceOrder) -> None:
    await place_order("same-id", "83990")

    with pytest.raises(ApiError) as raised:
        await place_order("same-id", "83980")

    assert error_code(raised.value) == 1134


async def test_a_decimal_sent_as_a_json_number_is_rejected_with_code_1133(server: FakeExtendedServer) -> None:
    body = json.loads(await _signed_body(server))
    body["qty"] = 0.001
    async with aiohttp.ClientSession() as http:
        response = await http.post(f"{server.rest_url}/user/order", json=body, headers={"X-Api-Key": server.api_key})
        reply = await response.json()

    assert (response.status, reply["error"]["code"]) == (400, 1133)


async def test_an_order_without_a_price_is_rejected_with_code_1130(server: FakeExtendedServer) -> None:
    body = json.loads(await _signed_body(server))
    del body["price"]
    async with aiohttp.ClientSession() as http:
        response = await http.post(f"{server.rest_url}/user/order", json=body, headers={"X-Api-Key": server.api_key})
        reply = await response.json()

    assert (response.status, reply["error"]["code"]) == (400, 1130)


async def _signed_body(server: FakeExtendedServer) -> str:
    async with RestApiClient(server.client_config()) as client:
        market = (await client.info.get_markets(market_names=["BTC-USD"])).data[0]
    order = create_order_object(
        account=server.stark_account(),
        market=market,
        amount_of_synthetic=Decimal("0.001"),
        price=Decimal("83990"),
        side=OrderSide.BUY,
        post_only=True,
        starknet_domain=MAINNET_CONFIG.signing.starknet_domain,
        taker_fee=Decimal("0.00025"),
    )
    return json.dumps(order.to_api_request_json(exclude_none=True))


async def test_private_routes_answer_401_without_the_api_key(server: FakeExtendedServer) -> None:
    async with aiohttp.ClientSession() as http:
        response = await http.get(f"{server.rest_url}/user/orders", headers={"X-Api-Key": "wrong"})

    assert response.status == 401


async def test_cancel_by_id_cancels_the_order(
    server: FakeExtendedServer, sdk_client: RestApiClient, place_order: PlaceOrder
) -> None:
    placed = await place_order("bid-1")

    await sdk_client.orders.cancel_order(placed.id)

    assert server.resting_orders() == []
    assert server.orders()[0].status is OrderStatus.CANCELLED


async def test_cancel_by_external_id_cancels_the_order(
    server: FakeExtendedServer, sdk_client: RestApiClient, place_order: PlaceOrder
) -> None:
    await place_order("bid-1")

    await sdk_client.orders.cancel_order_by_external_id("bid-1")

    assert server.resting_orders() == []


async def test_cancelling_an_unknown_order_answers_404(sdk_client: RestApiClient) -> None:
    with pytest.raises(ApiError, match="code 404"):
        await sdk_client.orders.cancel_order(12345)


async def test_mass_cancel_by_market_cancels_only_that_market() -> None:
    markets = [MarketSpec(), MarketSpec(name="ETH-USD", tick_size=Decimal("0.1"), step_size=Decimal("0.001"))]
    async with FakeExtendedServer.start(markets=markets) as server:
        async with RestApiClient(server.client_config(), server.stark_account()) as client:
            await client.place_order(
                "BTC-USD", Decimal("0.001"), Decimal("83990"), OrderSide.BUY, Decimal("0.00025"), post_only=True
            )
            await client.place_order(
                "ETH-USD", Decimal("0.01"), Decimal("3000.1"), OrderSide.BUY, Decimal("0.00025"), post_only=True
            )

            await client.orders.mass_cancel(markets=["BTC-USD"])

        assert [o.market for o in server.resting_orders()] == ["ETH-USD"]


async def test_mass_cancel_with_cancel_all_cancels_every_order(
    server: FakeExtendedServer, sdk_client: RestApiClient, place_order: PlaceOrder
) -> None:
    await place_order("bid-1", "83990")
    await place_order("ask-1", "84020", side=OrderSide.SELL)

    await sdk_client.orders.mass_cancel(cancel_all=True)

    assert server.resting_orders() == []


async def test_replacing_with_previous_order_id_swaps_the_order_in_one_request(
    server: FakeExtendedServer, place_order: PlaceOrder
) -> None:
    await place_order("bid-1", "83990")
    posts_before = server.requests.count("POST /user/order")

    await place_order("bid-2", "83980", previous_order_id="bid-1")

    assert server.requests.count("POST /user/order") == posts_before + 1
    old, new = server.orders()
    assert (old.status, old.status_reason) == (OrderStatus.CANCELLED, "ORDER_REPLACED")
    assert server.resting_orders() == [new]
    assert new.price == Decimal(83980)


async def test_replacing_an_unknown_order_is_rejected_with_code_1142(place_order: PlaceOrder) -> None:
    with pytest.raises(ApiError) as raised:
        await place_order("bid-2", "83980", previous_order_id="nobody")

    assert error_code(raised.value) == 1142


async def test_account_reads_parse_with_the_sdk_models(
    server: FakeExtendedServer, sdk_client: RestApiClient, place_order: PlaceOrder
) -> None:
    await place_order("bid-1", "83990")
    await server.market.push_trade("83990", "0.5", "sell")
    await place_order("ask-1", "84020", side=OrderSide.SELL)

    orders = (await sdk_client.account.get_open_orders(market_names=["BTC-USD"])).data
    positions = (await sdk_client.account.get_positions(market_names=["BTC-USD"])).data
    balance = (await sdk_client.account.get_balance()).data
    trades = (await sdk_client.account.get_trades(market_names=["BTC-USD"], limit=50)).data
    fees = (await sdk_client.account.get_fees(market_names=["BTC-USD"])).data

    assert [o.external_id for o in orders or []] == ["ask-1"]
    assert [(p.side, p.size) for p in positions or []] == [("LONG", Decimal("0.001"))]
    assert balance is not None
    assert balance.balance == Decimal(100_000)
    assert [(t.qty, t.price, t.is_taker) for t in trades or []] == [(Decimal("0.001"), Decimal(83990), False)]
    assert [(f.maker_fee_rate, f.taker_fee_rate) for f in fees or []] == [(Decimal(0), Decimal("0.00025"))]
