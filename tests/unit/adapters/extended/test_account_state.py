"""Our view of the account and how a REST snapshot corrects it."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from mm.adapters.extended.account_state import KnownAccount
from mm.domain.orders import Fill, FillEvent, OpenOrder, OrderStatus, OrderUpdate, Position, PositionUpdate
from mm.domain.side import Side

SYMBOL = "BTC-USD"


def order(
    client_order_id: str, status: OrderStatus = OrderStatus.NEW, updated_ts_ms: int = 100, **changes: object
) -> OpenOrder:
    base = OpenOrder(
        client_order_id=client_order_id,
        exchange_order_id=f"x{client_order_id}",
        symbol=SYMBOL,
        side=Side.BUY,
        price=Decimal("84000"),
        size=Decimal("0.001"),
        filled_size=Decimal(0),
        status=status,
        created_ts_ms=100,
        updated_ts_ms=updated_ts_ms,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def position(size: str, ts_ms: int = 100) -> Position:
    return Position(
        symbol=SYMBOL, size=Decimal(size), entry_price=Decimal("84000") if Decimal(size) else None, ts_ms=ts_ms
    )


def known_with(*orders: OpenOrder, held: Position | None = None) -> KnownAccount:
    known = KnownAccount()
    for each in orders:
        known.apply(OrderUpdate(each, 0))
    if held is not None:
        known.apply(PositionUpdate(held, 0))
    return known


def test_an_open_order_update_is_remembered_and_a_closing_one_forgets_it() -> None:
    known = known_with(order("a"), order("b"))

    known.apply(OrderUpdate(order("a", OrderStatus.FILLED, updated_ts_ms=200), 0))

    assert list(known.open_orders) == ["b"]


def test_a_fill_without_client_order_id_gets_it_from_its_order() -> None:
    known = known_with(order("a"))
    fill = Fill("f1", "xa", "", SYMBOL, Side.BUY, Decimal("84000"), Decimal("0.001"), Decimal(0), False, 150)

    enriched = known.apply(FillEvent(fill, 0))

    assert isinstance(enriched, FillEvent)
    assert enriched.fill.client_order_id == "a"


def test_the_first_resync_reports_the_whole_snapshot() -> None:
    snapshot = [order("a")]

    result = KnownAccount().reconcile(SYMBOL, snapshot, position("0"), received_ts_ms=500)

    assert result.corrections == [OrderUpdate(order("a"), 500), PositionUpdate(position("0"), 500)]
    assert result.vanished == []


def test_a_snapshot_equal_to_our_view_needs_no_correction() -> None:
    known = known_with(order("a"), held=position("0.001"))

    result = known.reconcile(SYMBOL, [order("a")], position("0.001"), received_ts_ms=500)

    assert (result.corrections, result.vanished) == ([], [])


def test_an_order_the_stream_missed_is_a_correction() -> None:
    known = known_with(held=position("0"))

    result = known.reconcile(SYMBOL, [order("new")], position("0"), received_ts_ms=500)

    assert result.corrections == [OrderUpdate(order("new"), 500)]


def test_a_newer_partial_fill_in_the_snapshot_is_a_correction() -> None:
    known = known_with(order("a"), held=position("0"))
    newer = order("a", OrderStatus.PARTIALLY_FILLED, updated_ts_ms=300, filled_size=Decimal("0.0005"))

    result = known.reconcile(SYMBOL, [newer], position("0"), received_ts_ms=500)

    assert result.corrections == [OrderUpdate(newer, 500)]


def test_a_snapshot_older_than_the_streams_view_of_an_order_changes_nothing() -> None:
    newer = order("a", OrderStatus.PARTIALLY_FILLED, updated_ts_ms=300, filled_size=Decimal("0.0005"))
    known = known_with(newer, held=position("0"))

    result = known.reconcile(SYMBOL, [order("a")], position("0"), received_ts_ms=500)

    assert result.corrections == []


def test_a_stale_snapshot_does_not_reopen_an_order_the_stream_closed() -> None:
    known = known_with(order("a"), held=position("0"))
    known.apply(OrderUpdate(order("a", OrderStatus.CANCELLED, updated_ts_ms=200), 0))

    result = known.reconcile(SYMBOL, [order("a")], position("0"), received_ts_ms=500)

    assert result.corrections == []


def test_an_open_order_missing_from_the_snapshot_is_vanished() -> None:
    known = known_with(order("a"), order("b"), held=position("0"))

    result = known.reconcile(SYMBOL, [order("b")], position("0"), received_ts_ms=500)

    assert [o.client_order_id for o in result.vanished] == ["a"]


def test_orders_of_other_markets_are_never_vanished_by_this_markets_snapshot() -> None:
    known = known_with(order("eth", symbol="ETH-USD"), held=position("0"))

    assert known.reconcile(SYMBOL, [], position("0"), received_ts_ms=500).vanished == []


def test_a_position_that_differs_and_is_newer_is_a_correction() -> None:
    known = known_with(held=position("0.001", ts_ms=100))

    result = known.reconcile(SYMBOL, [], position("0.002", ts_ms=200), received_ts_ms=500)

    assert result.corrections == [PositionUpdate(position("0.002", ts_ms=200), 500)]


def test_a_position_snapshot_older_than_the_stream_changes_nothing() -> None:
    known = known_with(held=position("0.002", ts_ms=300))

    assert known.reconcile(SYMBOL, [], position("0.001", ts_ms=200), received_ts_ms=500).corrections == []


def test_a_looked_up_final_state_of_a_vanished_order_is_news() -> None:
    known = known_with(order("a"))

    assert known.is_news(order("a", OrderStatus.FILLED, updated_ts_ms=250, filled_size=Decimal("0.001")))


def test_forgetting_an_order_drops_it_from_the_open_orders() -> None:
    known = known_with(order("a"))

    known.forget("a")

    assert known.open_orders == {}
