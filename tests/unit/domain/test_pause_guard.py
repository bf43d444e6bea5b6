"""PAUSE's cancel-all loop: send at once, re-send until the venue shows nothing open."""

from __future__ import annotations

from mm.domain.pause_guard import CancelAllGuard

RESEND_MS = 1_000


def paused_and_sent(at_ms: int = 0) -> CancelAllGuard:
    guard = CancelAllGuard(RESEND_MS)
    guard.set_paused(True)
    guard.on_sent(at_ms)
    return guard


def test_entering_pause_sends_a_cancel_all_at_once() -> None:
    guard = CancelAllGuard(RESEND_MS)
    guard.set_paused(True)
    assert guard.should_send(0, has_orders=False)


def test_nothing_is_sent_outside_pause() -> None:
    assert not CancelAllGuard(RESEND_MS).should_send(0, has_orders=True)


def test_an_unconfirmed_cancel_all_is_resent_after_the_interval() -> None:
    guard = paused_and_sent()
    assert not guard.should_send(RESEND_MS - 1, has_orders=True)
    assert guard.should_send(RESEND_MS, has_orders=True)


def test_a_stream_closure_after_the_send_with_nothing_left_confirms_flat() -> None:
    guard = paused_and_sent()
    guard.on_order_closed()
    assert guard.confirm_if_flat(has_orders=False)
    assert not guard.should_send(10 * RESEND_MS, has_orders=False)


def test_orders_still_held_prevent_confirmation() -> None:
    guard = paused_and_sent()
    guard.on_order_closed()
    assert not guard.confirm_if_flat(has_orders=True)
    assert guard.is_awaiting_flat


def test_no_evidence_from_the_venue_prevents_confirmation() -> None:
    guard = paused_and_sent()
    assert not guard.confirm_if_flat(has_orders=False)


def test_an_empty_snapshot_read_after_the_send_confirms_flat() -> None:
    guard = paused_and_sent(at_ms=100)
    guard.on_snapshot(0, received_ts_ms=101)
    assert guard.confirm_if_flat(has_orders=False)


def test_a_read_sent_after_the_cancel_all_confirms_flat_even_within_the_same_millisecond() -> None:
    """A fast venue (or a simulated clock) answers the read-back in the cancel-all's millisecond."""
    guard = paused_and_sent(at_ms=100)
    guard.on_snapshot(0, received_ts_ms=100, requested_ts_ms=100)
    assert guard.confirm_if_flat(has_orders=False)


def test_a_read_sent_before_the_cancel_all_is_no_evidence() -> None:
    guard = paused_and_sent(at_ms=100)
    guard.on_snapshot(0, received_ts_ms=105, requested_ts_ms=99)
    assert not guard.confirm_if_flat(has_orders=False)


def test_a_snapshot_from_before_the_send_is_no_evidence() -> None:
    guard = paused_and_sent(at_ms=100)
    guard.on_snapshot(0, received_ts_ms=100)
    assert not guard.confirm_if_flat(has_orders=False)


def test_an_order_appearing_after_confirmation_in_pause_triggers_a_new_cancel_all() -> None:
    guard = paused_and_sent()
    guard.on_snapshot(0, received_ts_ms=1)
    guard.confirm_if_flat(has_orders=False)
    assert guard.should_send(5, has_orders=True)


def test_leaving_pause_keeps_new_orders_blocked_until_the_venue_confirms() -> None:
    guard = paused_and_sent()
    guard.set_paused(False)
    assert guard.blocks_new_orders
    assert guard.should_send(RESEND_MS, has_orders=True)
    guard.on_order_closed()
    guard.confirm_if_flat(has_orders=False)
    assert not guard.blocks_new_orders


def test_the_next_pause_starts_with_a_fresh_cancel_all() -> None:
    guard = paused_and_sent()
    guard.on_snapshot(0, received_ts_ms=1)
    guard.confirm_if_flat(has_orders=False)
    guard.set_paused(False)
    guard.set_paused(True)
    assert guard.should_send(2, has_orders=False)
