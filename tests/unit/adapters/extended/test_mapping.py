"""Every relevant payload of the shared Extended fixtures through the pure mapping functions."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest
from x10.models.fee import TradingFeeModel
from x10.models.http import WrappedApiResponseModel
from x10.models.market import MarketModel
from x10.models.order import OpenOrderModel
from x10.models.position import PositionModel
from x10.models.trade import AccountTradeModel

from mm.adapters.extended.inbound_bounds import InboundBounds
from mm.adapters.extended.mapping import (
    account_events_from_frame,
    bbo_from_frame,
    fill_event_from_trade,
    instrument_from_market,
    open_order_from_wire,
    position_from_wire,
    price_from_frame,
    public_trades_from_frame,
    reject_reason_from_wire,
)
from mm.domain.instrument import Instrument
from mm.domain.market_events import BestBidOffer, PriceKind, PriceUpdate, PublicTrade, TradeKind
from mm.domain.orders import (
    Balance,
    BalanceUpdate,
    Fill,
    FillEvent,
    OpenOrder,
    OrderStatus,
    OrderUpdate,
    Position,
    PositionUpdate,
    RejectReason,
)
from mm.domain.side import Side
from mm.ports.errors import MalformedMessage
from tests.unit.adapters.extended.conftest import fixture_frame, fixture_text, received_ms

RECEIVED_MS = 1_790_586_600_000


def test_a_bbo_frame_maps_to_the_top_of_book_with_envelope_time_and_seq() -> None:
    frame = fixture_frame("bbo.json")

    bbo = bbo_from_frame(frame, RECEIVED_MS)

    assert bbo == BestBidOffer(
        exchange="extended",
        symbol="BTC-USD",
        exchange_ts_ms=1790586554509,
        received_ts_ms=RECEIVED_MS,
        seq=2,
        bid_px=Decimal("82588"),
        bid_sz=Decimal("4.09776"),
        ask_px=Decimal("82590"),
        ask_sz=Decimal("0.00011"),
        raw=frame.raw,
    )


def test_a_bbo_frame_with_an_empty_side_has_no_price_there() -> None:
    frame = fixture_frame("bbo.json")
    one_sided = frame._replace(data={**frame.data, "a": []})

    bbo = bbo_from_frame(one_sided, RECEIVED_MS)

    assert (bbo.ask_px, bbo.ask_sz, bbo.bid_px) == (None, None, Decimal("82588"))


def test_the_docs_public_trade_frame_maps_to_one_trade_at_its_trade_time() -> None:
    frame = fixture_frame("public_trades.json")

    [trade] = public_trades_from_frame(frame, received_ms(frame), is_replay=False)

    assert trade == PublicTrade(
        exchange="extended",
        symbol="BTC-USD",
        exchange_ts_ms=1701563440000,
        received_ts_ms=received_ms(frame),
        seq=2,
        trade_id="25124",
        price=Decimal("25670"),
        size=Decimal("0.1"),
        taker_side=Side.BUY,
        kind=TradeKind.TRADE,
        is_replay=False,
        raw=frame.raw,
    )


def test_a_live_trades_frame_keeps_every_print_and_ids_beyond_two_to_the_53() -> None:
    trades = public_trades_from_frame(fixture_frame("public_trades_live.json"), RECEIVED_MS, is_replay=False)

    assert [(t.trade_id, t.price, t.size, t.taker_side) for t in trades] == [
        ("2104498792354025474", Decimal("82575"), Decimal("0.00020"), Side.SELL),
        ("2104498792354025475", Decimal("82574"), Decimal("0.00106"), Side.SELL),
    ]


def test_trades_of_a_replayed_frame_are_marked_as_replay() -> None:
    trades = public_trades_from_frame(fixture_frame("public_trades_live.json"), RECEIVED_MS, is_replay=True)

    assert all(t.is_replay for t in trades)


@pytest.mark.parametrize(
    ("wire", "kind"), [("LIQUIDATION", TradeKind.LIQUIDATION), ("DELEVERAGE", TradeKind.DELEVERAGE)]
)
def test_liquidation_and_deleverage_prints_are_marked_as_liquidations(wire: str, kind: TradeKind) -> None:
    frame = fixture_frame("public_trades.json")
    frame = frame._replace(data=[{**frame.data[0], "tT": wire}])

    [trade] = public_trades_from_frame(frame, received_ms(frame), is_replay=False)

    assert trade.kind is kind
    assert trade.is_liquidation


def test_a_mark_price_frame_maps_to_a_mark_price_at_its_calculation_time() -> None:
    frame = fixture_frame("mark_price.json")

    price = price_from_frame(frame, received_ms(frame), PriceKind.MARK)

    assert price == PriceUpdate(
        exchange="extended",
        symbol="BTC-USD",
        exchange_ts_ms=1701563440000,
        received_ts_ms=received_ms(frame),
        seq=1,
        kind=PriceKind.MARK,
        price=Decimal("25670"),
        raw=frame.raw,
    )


def test_a_live_mark_price_with_inner_ts_zero_takes_the_envelope_time() -> None:
    price = price_from_frame(fixture_frame("mark_price_live.json"), RECEIVED_MS, PriceKind.MARK)

    assert price.exchange_ts_ms == 1790586555172
    assert price.price == Decimal("82603.900514499997")


def test_an_index_price_frame_maps_to_an_index_price() -> None:
    frame = fixture_frame("index_price.json")

    price = price_from_frame(frame, received_ms(frame), PriceKind.INDEX)

    assert (price.kind, price.symbol, price.price, price.exchange_ts_ms) == (
        PriceKind.INDEX,
        "BTC-USD",
        Decimal("25680"),
        1701563440000,
    )


def test_a_live_index_price_with_inner_ts_zero_takes_the_envelope_time() -> None:
    frame = fixture_frame("mark_price_live.json")
    index_frame = frame._replace(type="IP")

    price = price_from_frame(index_frame, RECEIVED_MS, PriceKind.INDEX)

    assert (price.kind, price.exchange_ts_ms) == (PriceKind.INDEX, 1790586555172)


def test_a_price_given_as_a_json_float_is_malformed_because_it_would_be_inexact() -> None:
    frame = fixture_frame("mark_price.json")
    float_frame = frame._replace(data={**frame.data, "p": 25670.1})

    with pytest.raises(MalformedMessage) as raised:
        price_from_frame(float_frame, RECEIVED_MS, PriceKind.MARK)

    assert raised.value.raw == frame.raw


def test_a_bbo_frame_without_book_sides_is_malformed_and_keeps_its_raw_text() -> None:
    frame = fixture_frame("bbo.json")._replace(data={"m": "BTC-USD"})

    with pytest.raises(MalformedMessage) as raised:
        bbo_from_frame(frame, RECEIVED_MS)

    assert raised.value.raw == frame.raw


def test_an_account_order_frame_maps_to_an_order_update() -> None:
    frame = fixture_frame("account_order.json")

    [event] = account_events_from_frame(frame, received_ms(frame))

    assert event == OrderUpdate(
        order=OpenOrder(
            client_order_id="-1771812132822291885",
            exchange_order_id="1791181340771614723",
            symbol="BTC-USD",
            side=Side.BUY,
            price=Decimal("12400.000000"),
            size=Decimal("10.000000"),
            filled_size=Decimal("3.513000"),
            status=OrderStatus.NEW,
            created_ts_ms=1715885888571,
            updated_ts_ms=1715885888571,
            reason=RejectReason.NONE,
        ),
        received_ts_ms=received_ms(frame),
        raw=frame.raw,
    )


def test_a_rejected_post_only_order_maps_to_a_post_only_would_cross_update() -> None:
    frame = fixture_frame("error_post_only.json")

    [event] = account_events_from_frame(frame, received_ms(frame))

    assert isinstance(event, OrderUpdate)
    assert (event.order.client_order_id, event.order.status, event.order.reason) == (
        "mm-bid-000042",
        OrderStatus.REJECTED,
        RejectReason.POST_ONLY_WOULD_CROSS,
    )


def test_a_cancelled_order_maps_to_a_cancelled_update_without_reason() -> None:
    frame = fixture_frame("account_order_cancelled.json")

    [event] = account_events_from_frame(frame, received_ms(frame))

    assert isinstance(event, OrderUpdate)
    assert (event.order.client_order_id, event.order.side, event.order.status, event.order.reason) == (
        "mm-ask-000043",
        Side.SELL,
        OrderStatus.CANCELLED,
        RejectReason.NONE,
    )
    assert not event.order.status.is_open


def test_an_order_with_a_status_the_sdk_does_not_know_still_maps() -> None:
    frame = fixture_frame("error_post_only.json")
    order = {**frame.data["orders"][0], "statusReason": "NEGATIVE_EQUITY"}
    frame = frame._replace(data={"orders": [order]})

    [event] = account_events_from_frame(frame, received_ms(frame))

    assert isinstance(event, OrderUpdate)
    assert event.order.reason is RejectReason.INSUFFICIENT_MARGIN


def test_an_account_trade_frame_maps_to_a_fill_with_its_client_order_id() -> None:
    frame = fixture_frame("account_trade.json")

    [event] = account_events_from_frame(frame, received_ms(frame))

    assert event == FillEvent(
        fill=Fill(
            fill_id="1784963886257016832",
            exchange_order_id="9223372036854775808",
            client_order_id="ext-1",
            symbol="BTC-USD",
            side=Side.BUY,
            price=Decimal("58853.4000000000000000"),
            size=Decimal("0.0900000000000000"),
            fee=Decimal("0E-16"),
            is_taker=True,
            ts_ms=1701563440000,
        ),
        received_ts_ms=received_ms(frame),
        raw=frame.raw,
    )


def test_a_rest_trade_maps_to_the_same_fill_as_the_stream_but_without_client_order_id() -> None:
    reply = WrappedApiResponseModel[list[AccountTradeModel]].model_validate_json(fixture_text("trades.json"))
    assert reply.data is not None
    frame = fixture_frame("account_trade.json")
    [streamed] = account_events_from_frame(frame, received_ms(frame))
    assert isinstance(streamed, FillEvent)

    event = fill_event_from_trade(reply.data[0], received_ms(frame))

    assert event.fill == dataclasses.replace(streamed.fill, client_order_id="")
    assert event.received_ts_ms == received_ms(frame)


def test_a_rest_fill_keeps_the_trade_in_the_venues_field_names_as_raw() -> None:
    reply = WrappedApiResponseModel[list[AccountTradeModel]].model_validate_json(fixture_text("trades.json"))
    assert reply.data is not None

    raw = json.loads(fill_event_from_trade(reply.data[0], RECEIVED_MS).raw)

    assert (raw["id"], raw["orderId"], raw["createdTime"]) == (1784963886257016832, 9223372036854775808, 1701563440000)


def test_the_sdk_test_trade_frame_maps_to_a_fill_without_client_order_id() -> None:
    frame = fixture_frame("account_trade_sdk_test.json")
    # The SDK's test stamps its trade six months after its frame: only a wide clock lead admits both.
    wide = InboundBounds(max_lead_ms=366 * 86_400_000)

    [event] = account_events_from_frame(frame, received_ms(frame), wide)

    assert isinstance(event, FillEvent)
    assert (event.fill.fill_id, event.fill.fee, event.fill.client_order_id) == (
        "1811328331296018432",
        Decimal("0.0291240000000000"),
        "",
    )


def test_a_short_position_frame_maps_to_a_negative_position() -> None:
    frame = fixture_frame("account_position.json")

    [event] = account_events_from_frame(frame, received_ms(frame))

    assert event == PositionUpdate(
        position=Position(
            symbol="BTC-USD",
            size=Decimal("-0.3"),
            entry_price=Decimal("42508.00"),
            ts_ms=1715886365748,
            unrealised_pnl=Decimal("100.000000"),
            realised_pnl=Decimal("200.000000"),
        ),
        received_ts_ms=received_ms(frame),
        raw=frame.raw,
    )


def test_a_closed_position_maps_to_flat() -> None:
    frame = fixture_frame("account_position.json")
    closed = {**frame.data["positions"][0], "status": "CLOSED"}

    [event] = account_events_from_frame(frame._replace(data={"positions": [closed]}), received_ms(frame))

    assert isinstance(event, PositionUpdate)
    assert (event.position.size, event.position.entry_price) == (Decimal(0), None)


def test_a_balance_frame_maps_to_a_balance_update() -> None:
    frame = fixture_frame("account_balance.json")

    [event] = account_events_from_frame(frame, received_ms(frame))

    assert event == BalanceUpdate(
        balance=Balance(equity=Decimal("20.000000"), available_for_trade=Decimal("3.000000"), ts_ms=1699976104901),
        received_ts_ms=received_ms(frame),
        raw=frame.raw,
    )


def test_an_account_frame_with_an_invalid_order_is_malformed() -> None:
    frame = fixture_frame("account_order.json")
    broken = {**frame.data["orders"][0], "qty": None}

    with pytest.raises(MalformedMessage):
        account_events_from_frame(frame._replace(data={"orders": [broken]}), RECEIVED_MS)


def test_the_markets_reply_maps_to_the_instrument_rules() -> None:
    reply = WrappedApiResponseModel[list[MarketModel]].model_validate_json(fixture_text("markets.json"))

    [instrument] = [instrument_from_market(market) for market in reply.data or ()]

    assert instrument == Instrument(
        symbol="BTC-USD",
        tick_size=Decimal("1"),
        step_size=Decimal("0.00001"),
        min_order_size=Decimal("0.0001"),
    )


def test_the_open_orders_reply_maps_to_open_orders() -> None:
    reply = WrappedApiResponseModel[list[OpenOrderModel]].model_validate_json(fixture_text("open_orders.json"))

    [order] = [open_order_from_wire(order) for order in reply.data or ()]

    assert (order.symbol, order.status, order.size, order.filled_size, order.remaining_size) == (
        "ETH-USD",
        OrderStatus.PARTIALLY_FILLED,
        Decimal("0.2"),
        Decimal("0.1"),
        Decimal("0.1"),
    )


def test_the_positions_reply_maps_to_a_long_position() -> None:
    reply = WrappedApiResponseModel[list[PositionModel]].model_validate_json(fixture_text("positions.json"))

    [position] = [position_from_wire(p) for p in reply.data or ()]

    assert (position.size, position.entry_price, position.ts_ms) == (Decimal("0.1"), Decimal("39000"), 1701563440000)


def test_the_fees_reply_parses_to_the_rates_placement_signs_with() -> None:
    reply = WrappedApiResponseModel[list[TradingFeeModel]].model_validate_json(fixture_text("fees.json"))

    [fee] = reply.data or []

    assert (fee.market, fee.maker_fee_rate, fee.taker_fee_rate) == ("BTC-USD", Decimal("0.00000"), Decimal("0.00025"))


@pytest.mark.parametrize(
    ("status_reason", "reason"),
    [
        (None, RejectReason.NONE),
        ("POST_ONLY_FAILED", RejectReason.POST_ONLY_WOULD_CROSS),
        ("NOT_ENOUGH_FUNDS", RejectReason.INSUFFICIENT_MARGIN),
        ("INVALID_PRICE", RejectReason.INVALID),
        ("ORDER_REPLACED", RejectReason.REPLACED),
        ("SELF_TRADE_PROTECTION", RejectReason.SELF_TRADE),
        ("REDUCE_ONLY_MODE", RejectReason.OTHER),
        ("SOMETHING_NEW", RejectReason.OTHER),
    ],
)
def test_status_reasons_map_to_reject_reasons(status_reason: str | None, reason: RejectReason) -> None:
    assert reject_reason_from_wire(status_reason) is reason
