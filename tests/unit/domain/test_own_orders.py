"""Our own orders: requests in flight, the venue's reports and REST snapshots as the truth."""

from __future__ import annotations

from decimal import Decimal

from mm.domain.orders import OpenOrder, OrderRequest, OrderStatus, RejectReason
from mm.domain.own_orders import OrderPhase, OwnOrders, own_order_from_json
from mm.domain.side import Side

SYMBOL = "BTC-USD"
TICK = Decimal("0.1")
STEP = Decimal("0.001")
GRACE_MS = 3_000


def a_book() -> OwnOrders:
    return OwnOrders(SYMBOL, TICK, STEP)


def send(book: OwnOrders, cid: str, now_ms: int = 1_000, side: Side = Side.BUY) -> None:
    request = OrderRequest(cid, SYMBOL, side, Decimal("60000.0"), Decimal("0.002"))
    book.on_place_sent(request, 600_000, 2, now_ms)


def venue_order(
    cid: str, status: OrderStatus = OrderStatus.NEW, reason: RejectReason = RejectReason.NONE, symbol: str = SYMBOL
) -> OpenOrder:
    return OpenOrder(
        client_order_id=cid,
        exchange_order_id=f"x-{cid}",
        symbol=symbol,
        side=Side.BUY,
        price=Decimal("60000.0"),
        size=Decimal("0.002"),
        filled_size=Decimal("0.001"),
        status=status,
        created_ts_ms=900,
        updated_ts_ms=1_100,
        reason=reason,
    )


def phase_of(book: OwnOrders, cid: str) -> OrderPhase | None:
    order = book.get(cid)
    return order.phase if order else None


def test_a_sent_placement_is_pending_new() -> None:
    book = a_book()
    send(book, "b1")
    assert phase_of(book, "b1") is OrderPhase.PENDING_NEW


def test_an_accepted_placement_is_working_with_its_exchange_id() -> None:
    book = a_book()
    send(book, "b1")
    book.on_accepted("b1", "777")
    order = book.get("b1")
    assert order is not None
    assert (order.phase, order.exchange_order_id) == (OrderPhase.WORKING, "777")


def test_an_acceptance_does_not_undo_a_cancel_sent_meanwhile() -> None:
    book = a_book()
    send(book, "b1")
    book.on_cancel_all_sent(1_050)
    book.on_accepted("b1", "777")
    assert phase_of(book, "b1") is OrderPhase.PENDING_CANCEL


def test_a_timed_out_placement_is_unknown_not_gone() -> None:
    book = a_book()
    send(book, "b1")
    book.on_unknown("b1", 1_200)
    assert phase_of(book, "b1") is OrderPhase.UNKNOWN


def test_an_open_report_makes_a_pending_order_working_and_records_the_fill() -> None:
    book = a_book()
    send(book, "b1")
    book.on_order_update(venue_order("b1", OrderStatus.PARTIALLY_FILLED))
    order = book.get("b1")
    assert order is not None
    assert (order.phase, order.filled_size) == (OrderPhase.WORKING, Decimal("0.001"))


def test_a_closed_report_removes_the_order() -> None:
    book = a_book()
    send(book, "b1")
    book.on_order_update(venue_order("b1", OrderStatus.REJECTED, RejectReason.POST_ONLY_WOULD_CROSS))
    assert "b1" not in book


def test_an_open_order_we_did_not_plan_is_adopted_as_foreign() -> None:
    book = a_book()
    found = book.on_order_update(venue_order("stranger"))
    assert found is not None
    assert found.is_foreign
    assert found.price_ticks == 600_000


def test_a_closed_report_of_an_unknown_order_is_ignored() -> None:
    book = a_book()
    assert book.on_order_update(venue_order("gone", OrderStatus.CANCELLED)) is None
    assert book.is_empty


def test_a_snapshot_confirms_a_listed_order_as_working() -> None:
    book = a_book()
    send(book, "b1")
    book.on_unknown("b1", 1_000)
    book.on_sync([venue_order("b1")], received_ts_ms=1_500, absent_grace_ms=GRACE_MS)
    assert phase_of(book, "b1") is OrderPhase.WORKING


def test_a_snapshot_removes_an_unlisted_order_only_after_the_grace() -> None:
    """The grace runs from the placement: a snapshot read while it travelled proves nothing."""
    book = a_book()
    send(book, "b1", now_ms=1_000)
    early = book.on_sync([], received_ts_ms=1_000 + GRACE_MS - 1, absent_grace_ms=GRACE_MS)
    assert early.removed == ()
    late = book.on_sync([], received_ts_ms=1_000 + GRACE_MS, absent_grace_ms=GRACE_MS)
    assert late.removed == ("b1",)


def test_a_cancel_still_listed_after_the_grace_evidently_failed() -> None:
    book = a_book()
    send(book, "b1")
    book.on_accepted("b1", "1")
    book.on_cancel_sent("b1", 2_000)
    book.on_sync([venue_order("b1")], received_ts_ms=2_000 + GRACE_MS, absent_grace_ms=GRACE_MS)
    assert phase_of(book, "b1") is OrderPhase.WORKING


def test_a_cancel_listed_within_the_grace_stays_pending() -> None:
    book = a_book()
    send(book, "b1")
    book.on_cancel_sent("b1", 2_000)
    book.on_sync([venue_order("b1")], received_ts_ms=2_100, absent_grace_ms=GRACE_MS)
    assert phase_of(book, "b1") is OrderPhase.PENDING_CANCEL


def test_a_snapshot_reports_unplanned_open_orders_as_foreign() -> None:
    book = a_book()
    outcome = book.on_sync([venue_order("stranger")], received_ts_ms=5_000, absent_grace_ms=GRACE_MS)
    assert [o.client_order_id for o in outcome.foreign] == ["stranger"]


def test_a_snapshot_ignores_orders_of_other_markets() -> None:
    book = a_book()
    book.on_sync([venue_order("eth", symbol="ETH-USD")], received_ts_ms=5_000, absent_grace_ms=GRACE_MS)
    assert book.is_empty


def test_restored_orders_start_unknown() -> None:
    book = a_book()
    send(book, "b1")
    book.on_accepted("b1", "1")
    saved = [order.to_json() for order in book]
    restored = a_book()
    restored.restore(own_order_from_json(item, TICK, STEP) for item in saved)
    assert phase_of(restored, "b1") is OrderPhase.UNKNOWN


def test_a_cancel_sent_later_does_not_delay_removing_an_unlisted_order() -> None:
    book = a_book()
    send(book, "b1", now_ms=1_000)
    book.on_cancel_all_sent(1_000 + GRACE_MS - 10)
    outcome = book.on_sync([], received_ts_ms=1_000 + GRACE_MS, absent_grace_ms=GRACE_MS)
    assert outcome.removed == ("b1",)
