"""Requests on their way to the simulated venue, and its dead man's switch: what takes effect later, and when.

A request takes effect after the order-entry latency, never before one sent earlier (the venue
handles one connection's requests in order). The dead man's switch cancels everything at its deadline.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from mm.adapters.sim.sim_order import SimOrder
from mm.domain.value import value


@value(frozen=True)
class PendingPlace:
    """A placement; with `previous_client_order_id`, an atomic replace of that order."""

    arrival_ts_ms: int
    order: SimOrder
    previous_client_order_id: str | None = None


@value(frozen=True)
class PendingCancel:
    arrival_ts_ms: int
    client_order_id: str


@dataclass(frozen=True, slots=True)
class PendingCancelAll:
    arrival_ts_ms: int


PendingRequest = PendingPlace | PendingCancel | PendingCancelAll


NEVER_MS = 1 << 62


class RequestQueue:
    """Our requests in flight, in the order sent, and the dead man's switch deadline (`NEVER_MS`: disarmed)."""

    __slots__ = ("_pending", "dead_man_deadline_ms", "latency_ms")

    def __init__(self, latency_ms: int) -> None:
        self.latency_ms = latency_ms
        self.dead_man_deadline_ms = NEVER_MS
        self._pending: deque[PendingRequest] = deque()

    def arrival_ms(self, now_ms: int) -> int:
        """When a request sent at `now_ms` takes effect: after the latency, and not before the last one sent."""
        pending = self._pending
        last_ms = pending[-1].arrival_ts_ms if pending else now_ms
        return max(now_ms + self.latency_ms, last_ms)

    def append(self, request: PendingRequest) -> None:
        self._pending.append(request)

    def next_due_ms(self) -> int:
        """When the next request arrives or the switch fires, whichever is first."""
        request_ms = self._pending[0].arrival_ts_ms if self._pending else NEVER_MS
        return min(request_ms, self.dead_man_deadline_ms)

    def pop_due(self, ts_ms: int) -> tuple[int, PendingRequest | None] | None:
        """The next thing due by `ts_ms`, with its time: a request, or None for the switch firing; None when nothing is due."""
        pending = self._pending
        request_ms = pending[0].arrival_ts_ms if pending else NEVER_MS
        deadline_ms = self.dead_man_deadline_ms
        if min(request_ms, deadline_ms) > ts_ms:
            return None
        if deadline_ms <= request_ms:  # on a tie the switch wins: the safer outcome
            self.dead_man_deadline_ms = NEVER_MS
            return deadline_ms, None
        return request_ms, pending.popleft()
