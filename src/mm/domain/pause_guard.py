"""PAUSE's safety loop: cancel everything at once and keep asking until the venue shows nothing open. No I/O.

A cancel-all request can be lost, time out or race an order still in flight, so one request is
not enough: it is re-sent every `resend_interval_ms` until the venue itself shows no open order of
ours, on the account stream (every order we knew closed after the request) or in a REST snapshot
taken after it. Until then nothing new may be placed, even if PAUSE has already been left.
"""

from __future__ import annotations


class CancelAllGuard:
    """Tracks one PAUSE episode's cancel-all: when to (re)send it and whether the venue confirmed it."""

    __slots__ = ("_has_evidence", "_last_sent_ms", "is_awaiting_flat", "is_pausing", "resend_interval_ms")

    def __init__(self, resend_interval_ms: int) -> None:
        if resend_interval_ms <= 0:
            raise ValueError("resend_interval_ms must be positive")
        self.resend_interval_ms = resend_interval_ms
        self.is_pausing = False
        self.is_awaiting_flat = False
        self._last_sent_ms: int | None = None
        self._has_evidence = False

    @property
    def blocks_new_orders(self) -> bool:
        """True while paused or while a cancel-all is not yet confirmed by the venue."""
        return self.is_pausing or self.is_awaiting_flat

    def set_paused(self, is_paused: bool) -> None:
        """Enter or leave a PAUSE episode; leaving does not stop an unconfirmed cancel-all."""
        self.is_pausing = is_paused
        if not is_paused and not self.is_awaiting_flat:
            self._last_sent_ms = None  # the next PAUSE starts with a fresh cancel-all

    def should_send(self, now_ms: int, has_orders: bool) -> bool:
        """Whether a cancel-all must go out now."""
        if self.is_awaiting_flat:
            last = self._last_sent_ms
            return last is None or now_ms - last >= self.resend_interval_ms
        if not self.is_pausing:
            return False
        # First send of this episode, or an order turned up after the venue had confirmed flat.
        return self._last_sent_ms is None or has_orders

    def next_resend_ms(self) -> int | None:
        if not self.is_awaiting_flat or self._last_sent_ms is None:
            return None
        return self._last_sent_ms + self.resend_interval_ms

    def on_sent(self, now_ms: int) -> None:
        self.is_awaiting_flat = True
        self._last_sent_ms = now_ms
        self._has_evidence = False

    def on_order_closed(self) -> None:
        """The venue reported one of our orders closed after the last cancel-all: the stream is alive."""
        if self.is_awaiting_flat:
            self._has_evidence = True

    def on_snapshot(self, open_order_count: int, received_ts_ms: int, requested_ts_ms: int | None = None) -> None:
        """A REST snapshot of open orders arrived; it counts only if read after the last cancel-all.

        "After" means requested at or after the send when the request time is known (a read-back
        can answer within the same millisecond), else received strictly after it.
        """
        last = self._last_sent_ms
        if not self.is_awaiting_flat or open_order_count != 0 or last is None:
            return
        is_read_after = requested_ts_ms >= last if requested_ts_ms is not None else received_ts_ms > last
        if is_read_after:
            self._has_evidence = True

    def confirm_if_flat(self, has_orders: bool) -> bool:
        """Close the cancel-all loop when we hold no order and the venue has shown it; True when it closed now."""
        if self.is_awaiting_flat and not has_orders and self._has_evidence:
            self.is_awaiting_flat = False
            if not self.is_pausing:
                self._last_sent_ms = None
            return True
        return False
