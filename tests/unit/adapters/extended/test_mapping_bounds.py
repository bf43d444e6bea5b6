"""The mapping as the inbound validation boundary: hostile frames become `MalformedMessage`, never a crash.

One test per finding of issue 14, each from a real fixture with one field made hostile.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mm.adapters.extended.frames import StreamFrame
from mm.adapters.extended.inbound_bounds import InboundBounds
from mm.adapters.extended.mapping import (
    account_events_from_frame,
    bbo_from_frame,
    price_from_frame,
    public_trades_from_frame,
)
from mm.domain.instrument import Instrument
from mm.domain.market_events import PriceKind
from mm.domain.orders import BalanceUpdate, FillEvent
from mm.ports.errors import MalformedMessage
from tests.unit.adapters.extended.conftest import fixture_frame, received_ms

BTC = Instrument(
    symbol="BTC-USD", tick_size=Decimal("1"), step_size=Decimal("0.00001"), min_order_size=Decimal("0.0001")
)


def bbo_with(bid: dict[str, Any] | None = None, ask: dict[str, Any] | None = None) -> StreamFrame:
    frame = fixture_frame("bbo.json")
    data = frame.data
    return frame._replace(data={**data, "b": [{**data["b"][0], **(bid or {})}], "a": [{**data["a"][0], **(ask or {})}]})


def mark_with(**fields: Any) -> StreamFrame:
    frame = fixture_frame("mark_price_live.json")
    return frame._replace(data={**frame.data, **fields})


@pytest.mark.parametrize("data", [[1, 2], "BTC-USD", 42, None, True])
@pytest.mark.parametrize("kind", list(PriceKind))
def test_a_mark_or_index_frame_whose_data_is_not_an_object_is_malformed(data: object, kind: PriceKind) -> None:
    frame = fixture_frame("mark_price_live.json")._replace(data=data)

    with pytest.raises(MalformedMessage, match="not an object"):
        price_from_frame(frame, received_ms(frame), kind)


@pytest.mark.parametrize("price", ["1e200000", "1e999999"])
def test_a_price_with_a_huge_exponent_is_malformed(price: str) -> None:
    frame = mark_with(p=price)

    with pytest.raises(MalformedMessage, match="outside"):
        price_from_frame(frame, received_ms(frame), PriceKind.MARK)


def test_a_price_of_a_million_digits_is_malformed_by_its_length() -> None:
    frame = mark_with(p="9" * 1_000_000)

    with pytest.raises(MalformedMessage, match="characters"):
        price_from_frame(frame, received_ms(frame), PriceKind.MARK)


def test_a_bbo_frame_stamped_ten_to_the_18_is_malformed() -> None:
    frame = fixture_frame("bbo.json")

    with pytest.raises(MalformedMessage, match="frame ts"):
        bbo_from_frame(frame._replace(ts_ms=10**18), received_ms(frame))


def test_a_trade_stamped_ten_to_the_18_is_malformed() -> None:
    frame = fixture_frame("public_trades_live.json")
    late = frame._replace(data=[{**frame.data[0], "T": 10**18}])

    with pytest.raises(MalformedMessage, match="trade time"):
        public_trades_from_frame(late, received_ms(frame), is_replay=False)


def test_a_mark_price_with_an_inner_time_of_ten_to_the_18_is_malformed() -> None:
    frame = mark_with(ts=10**18)

    with pytest.raises(MalformedMessage, match="price ts"):
        price_from_frame(frame, received_ms(frame), PriceKind.MARK)


def test_an_account_frame_stamped_ten_to_the_18_is_malformed() -> None:
    frame = fixture_frame("account_order.json")

    with pytest.raises(MalformedMessage, match="frame ts"):
        account_events_from_frame(frame._replace(ts_ms=10**18), received_ms(frame))


def test_a_fill_stamped_ten_to_the_18_is_malformed() -> None:
    frame = fixture_frame("account_trade.json")
    trade = {**frame.data["trades"][0], "createdTime": 10**18}

    with pytest.raises(MalformedMessage, match="fill time"):
        account_events_from_frame(frame._replace(data={"trades": [trade]}), received_ms(frame))


def test_an_ask_of_1e308_is_malformed() -> None:
    frame = bbo_with(ask={"p": "1e308"})

    with pytest.raises(MalformedMessage, match="ask price"):
        bbo_from_frame(frame, received_ms(frame))


@pytest.mark.parametrize("price", ["0", "-82590", "-0", "0E-8"])
@pytest.mark.parametrize("side", ["bid", "ask"])
def test_a_book_price_of_zero_or_below_is_malformed(price: str, side: str) -> None:
    frame = bbo_with(**{side: {"p": price}})

    with pytest.raises(MalformedMessage, match=f"{side} price"):
        bbo_from_frame(frame, received_ms(frame))


@pytest.mark.parametrize("size", ["0", "-1", "-0.00011"])
@pytest.mark.parametrize("side", ["bid", "ask"])
def test_a_book_size_of_zero_or_below_is_malformed(size: str, side: str) -> None:
    frame = bbo_with(**{side: {"q": size}})

    with pytest.raises(MalformedMessage, match=f"{side} size"):
        bbo_from_frame(frame, received_ms(frame))


@pytest.mark.parametrize(("field", "value"), [("p", "0"), ("p", "-25670"), ("q", "0"), ("q", "-0.1")])
def test_a_trade_price_or_size_of_zero_or_below_is_malformed(field: str, value: str) -> None:
    frame = fixture_frame("public_trades_live.json")
    bad = frame._replace(data=[frame.data[0], {**frame.data[1], field: value}])

    with pytest.raises(MalformedMessage, match="trade"):
        public_trades_from_frame(bad, received_ms(frame), is_replay=False)


@pytest.mark.parametrize("value", ["1e301", "1.5e300", "9" * 39])
def test_values_beyond_1e300_are_malformed(value: str) -> None:
    frame = bbo_with(bid={"q": value})

    with pytest.raises(MalformedMessage, match="bid size"):
        bbo_from_frame(frame, received_ms(frame))


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_a_price_that_is_not_finite_is_malformed(value: str) -> None:
    frame = mark_with(p=value)

    with pytest.raises(MalformedMessage):
        price_from_frame(frame, received_ms(frame), PriceKind.MARK)


@pytest.mark.parametrize(("bid", "ask"), [("82591", "82590"), ("82590", "82590")])
def test_a_crossed_or_locked_book_passes_through_as_it_came(bid: str, ask: str) -> None:
    frame = bbo_with(bid={"p": bid}, ask={"p": ask})

    bbo = bbo_from_frame(frame, received_ms(frame))

    assert (bbo.bid_px, bbo.ask_px) == (Decimal(bid), Decimal(ask))


def test_with_the_instrument_known_a_price_below_one_tick_is_malformed() -> None:
    frame = bbo_with(bid={"p": "0.5"})

    with pytest.raises(MalformedMessage, match="bid price"):
        bbo_from_frame(frame, received_ms(frame), InboundBounds.for_instruments([BTC]))


def test_with_the_instrument_known_a_size_below_one_step_is_malformed() -> None:
    frame = bbo_with(ask={"q": "0.000001"})

    with pytest.raises(MalformedMessage, match="ask size"):
        bbo_from_frame(frame, received_ms(frame), InboundBounds.for_instruments([BTC]))


def test_with_the_instruments_known_a_frame_of_another_market_is_malformed() -> None:
    frame = mark_with(m="ETH-USD")

    with pytest.raises(MalformedMessage, match="no bounds"):
        price_from_frame(frame, received_ms(frame), PriceKind.MARK, InboundBounds.for_instruments([BTC]))


def test_a_book_level_that_is_not_an_object_is_malformed() -> None:
    frame = fixture_frame("bbo.json")
    broken = frame._replace(data={**frame.data, "a": ["82590"]})

    with pytest.raises(MalformedMessage, match="best bid/offer"):
        bbo_from_frame(broken, received_ms(frame))


def test_a_trades_frame_whose_data_is_not_an_array_is_malformed() -> None:
    frame = fixture_frame("public_trades_live.json")

    with pytest.raises(MalformedMessage, match="not an array"):
        public_trades_from_frame(frame._replace(data=frame.data[0]), received_ms(frame), is_replay=False)


def test_a_boolean_inner_price_time_is_malformed_rather_than_a_timestamp_of_one() -> None:
    frame = mark_with(ts=True)

    with pytest.raises(MalformedMessage, match="price ts"):
        price_from_frame(frame, received_ms(frame), PriceKind.MARK)


@pytest.mark.parametrize(
    ("field", "value"), [("price", "-1"), ("qty", "0"), ("filledQty", "-0.1"), ("price", "1e308"), ("qty", "1e999999")]
)
def test_an_order_update_out_of_bounds_is_malformed(field: str, value: str) -> None:
    frame = fixture_frame("account_order.json")
    order = {**frame.data["orders"][0], field: value}

    with pytest.raises(MalformedMessage, match="order"):
        account_events_from_frame(frame._replace(data={"orders": [order]}), received_ms(frame))


def test_an_order_filled_beyond_its_size_is_malformed() -> None:
    frame = fixture_frame("account_order.json")
    order = {**frame.data["orders"][0], "filledQty": "10.5"}

    with pytest.raises(MalformedMessage, match="filled size"):
        account_events_from_frame(frame._replace(data={"orders": [order]}), received_ms(frame))


@pytest.mark.parametrize(("field", "value"), [("price", "0"), ("qty", "-0.09"), ("fee", "1e301")])
def test_a_fill_out_of_bounds_is_malformed(field: str, value: str) -> None:
    frame = fixture_frame("account_trade.json")
    trade = {**frame.data["trades"][0], field: value}

    with pytest.raises(MalformedMessage, match="fill"):
        account_events_from_frame(frame._replace(data={"trades": [trade]}), received_ms(frame))


def test_a_fill_paying_a_rebate_maps_with_its_negative_fee() -> None:
    frame = fixture_frame("account_trade.json")
    trade = {**frame.data["trades"][0], "fee": "-0.5"}

    [event] = account_events_from_frame(frame._replace(data={"trades": [trade]}), received_ms(frame))

    assert isinstance(event, FillEvent)
    assert event.fill.fee == Decimal("-0.5")


@pytest.mark.parametrize(("field", "value"), [("openPrice", "-42508"), ("size", "1e300"), ("unrealisedPnl", "1e999")])
def test_a_position_out_of_bounds_is_malformed(field: str, value: str) -> None:
    frame = fixture_frame("account_position.json")
    position = {**frame.data["positions"][0], field: value}

    with pytest.raises(MalformedMessage, match="position"):
        account_events_from_frame(frame._replace(data={"positions": [position]}), received_ms(frame))


def test_a_negative_equity_maps_as_it_is_a_real_state() -> None:
    frame = fixture_frame("account_balance.json")
    balance = {**frame.data["balance"], "equity": "-20.5"}

    [event] = account_events_from_frame(frame._replace(data={"balance": balance}), received_ms(frame))

    assert isinstance(event, BalanceUpdate)
    assert event.balance.equity == Decimal("-20.5")


def test_an_equity_beyond_the_amount_bound_is_malformed() -> None:
    frame = fixture_frame("account_balance.json")
    balance = {**frame.data["balance"], "equity": "1e300"}

    with pytest.raises(MalformedMessage, match="equity"):
        account_events_from_frame(frame._replace(data={"balance": balance}), received_ms(frame))
