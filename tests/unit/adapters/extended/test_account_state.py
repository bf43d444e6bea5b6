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


# --- fills: each emitted once, from the stream or from a REST scan ----------------------------------


def fill(fill_id: str, ts_ms: int = 1_500, client_order_id: str = "", exchange_order_id: str = "xa") -> FillEvent:
    return FillEvent(
        Fill(
            fill_id,
            exchange_order_id,
            client_order_id,
            SYMBOL,
            Side.BUY,
            Decimal("84000"),
            Decimal("0.001"),
            Decimal(0),
            False,
            ts_ms,
        ),
        received_ts_ms=2_000,
    )


def live_since(floor_ts_ms: int, *orders: OpenOrder) -> KnownAccount:
    known = known_with(*orders)
    known.fills.start_at(floor_ts_ms)
    return known


def test_a_fill_the_stream_repeats_is_not_emitted_again() -> None:
    known = live_since(1_000)
    known.apply(fill("f1"))

    assert known.apply(fill("f1")) is None


def test_a_scanned_fill_the_stream_already_delivered_is_not_missed() -> None:
    known = live_since(1_000)
    known.apply(fill("f1"))

    assert known.missed_fills([fill("f1")]) == []


def test_a_stream_fill_that_a_scan_already_emitted_is_not_emitted_again() -> None:
    known = live_since(1_000)
    known.missed_fills([fill("f1")])

    assert known.apply(fill("f1")) is None


def test_missed_fills_come_out_oldest_first() -> None:
    known = live_since(1_000)
    newest_first = [fill("13", ts_ms=1_700), fill("12", ts_ms=1_600), fill("11", ts_ms=1_600)]

    missed = known.missed_fills(newest_first)

    assert [e.fill.fill_id for e in missed] == ["11", "12", "13"]


def test_fills_of_one_millisecond_come_out_in_the_order_of_their_numeric_ids() -> None:
    known = live_since(1_000)

    missed = known.missed_fills([fill("9", ts_ms=1_600), fill("10", ts_ms=1_600)])

    assert [e.fill.fill_id for e in missed] == ["9", "10"]


def test_scanned_fills_behind_the_floor_are_not_missed() -> None:
    known = live_since(1_000)

    assert known.missed_fills([fill("old", ts_ms=999)]) == []


def test_nothing_is_missed_before_the_stream_went_live() -> None:
    known = KnownAccount()

    assert known.missed_fills([fill("f1")]) == []


def test_a_fill_listed_twice_in_one_scan_is_missed_once() -> None:
    known = live_since(1_000)

    assert len(known.missed_fills([fill("f1"), fill("f1")])) == 1


def test_a_missed_fill_gets_the_client_order_id_of_its_known_order() -> None:
    known = live_since(1_000, order("a"))

    [missed] = known.missed_fills([fill("f1", exchange_order_id="xa")])

    assert missed.fill.client_order_id == "a"


def test_a_missed_fill_of_an_unknown_order_keeps_an_empty_client_order_id() -> None:
    known = live_since(1_000)

    [missed] = known.missed_fills([fill("f1", exchange_order_id="x-unknown")])

    assert missed.fill.client_order_id == ""


def test_a_stream_fill_teaches_the_client_order_id_of_its_order_to_later_scans() -> None:
    known = live_since(1_000)
    known.apply(fill("f1", client_order_id="a", exchange_order_id="x7"))

    [missed] = known.missed_fills([fill("f2", exchange_order_id="x7")])

    assert missed.fill.client_order_id == "a"
