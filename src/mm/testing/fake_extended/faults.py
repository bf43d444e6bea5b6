"""Fault knobs: the ways tests make the fake exchange misbehave on purpose.

Stream faults act on the connections open right now; REST faults queue up for the next requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

from mm.testing.fake_extended.stream_hub import StreamHub, StreamKind, Subscriber

MALFORMED_FRAME = '{"type":"SNAPSHOT","data":{"m":"BTC-USD","b":[{"p":'


@dataclass(frozen=True, slots=True)
class InjectedFailure:
    """How to answer one request: an HTTP status, and for a 429 optionally a `Retry-After` in seconds."""

    status: int
    retry_after_s: float | None = None


@dataclass(slots=True)
class _RestFailure:
    remaining: int
    answer: InjectedFailure
    route: str | None

    def applies_to(self, route_key: str) -> bool:
        """`route` may be `"POST /user/order"` or just the path `"/user/order"`."""
        return self.route is None or self.route in (route_key, route_key.split(" ", 1)[-1])


class FaultKnobs:
    """Switches and one-shot faults. `reject_crossing_post_only` is on, as on the real venue.

    `rate_limit_per_min` (None: no limit) answers 429, with the `Retry-After` at which a request
    would fit, once that many requests (refused ones included) came in the last minute.
    """

    def __init__(self, hub: StreamHub, rate_limit_per_min: int | None = None) -> None:
        self._hub = hub
        self.reject_crossing_post_only = True
        self.rate_limit_per_min = rate_limit_per_min
        self._rest_failures: list[_RestFailure] = []

    def fail_next_requests(
        self,
        count: int = 1,
        *,
        status: int = HTTPStatus.TOO_MANY_REQUESTS,
        route: str | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        """Answer the next `count` REST calls (to `route`, e.g. `"POST /user/order"`) with `status`.

        `retry_after_s` adds a `Retry-After` header (seconds, fractions allowed here; the real venue
        documents none).
        """
        if count < 1 or not 400 <= status <= 599:
            raise ValueError("count must be positive and status a 4xx/5xx code")
        if retry_after_s is not None and retry_after_s < 0:
            raise ValueError("retry_after_s must not be negative")
        self._rest_failures.append(_RestFailure(count, InjectedFailure(int(status), retry_after_s), route))

    @property
    def pending_rest_failures(self) -> int:
        """Injected failures not yet used up."""
        return sum(failure.remaining for failure in self._rest_failures)

    def take_rest_failure(self, route_key: str) -> InjectedFailure | None:
        """How to fail this request, consuming one queued failure; None to serve it."""
        for failure in self._rest_failures:
            if failure.applies_to(route_key):
                failure.remaining -= 1
                if failure.remaining == 0:
                    self._rest_failures.remove(failure)
                return failure.answer
        return None

    def _targets(self, kind: StreamKind | None, market: str | None, limit: int | None = None) -> list[Subscriber]:
        targets = self._hub.subscribers(kind, market)
        return targets if limit is None else targets[:limit]

    def drop_streams(
        self,
        kind: StreamKind | None = None,
        *,
        market: str | None = None,
        limit: int | None = None,
        abrupt: bool = True,
    ) -> int:
        """Cut connections: abruptly (TCP reset, no close frame) or with a close frame. Returns how many."""
        targets = self._targets(kind, market, limit)
        for subscriber in targets:
            if abrupt:
                subscriber.abort()
            else:
                subscriber.close()
        return len(targets)

    def skip_sequence(self, by: int = 1, *, kind: StreamKind | None = None, market: str | None = None) -> int:
        """Make the next frame of each matching connection jump `by` extra sequence numbers."""
        if by < 1:
            raise ValueError("by must be positive")
        targets = self._targets(kind, market)
        for subscriber in targets:
            subscriber.skip_sequence(by)
        return len(targets)

    def stall_streams(self, kind: StreamKind | None = None, *, market: str | None = None) -> int:
        """Stop sending on matching connections while keeping them open (pings still answered)."""
        targets = self._targets(kind, market)
        for subscriber in targets:
            subscriber.is_stalled = True
        return len(targets)

    def resume_streams(self, kind: StreamKind | None = None, *, market: str | None = None) -> int:
        targets = self._targets(kind, market)
        for subscriber in targets:
            subscriber.is_stalled = False
        return len(targets)

    def send_malformed_frame(
        self, kind: StreamKind | None = None, *, market: str | None = None, text: str = MALFORMED_FRAME
    ) -> int:
        """Send a frame that is not valid JSON; it takes no sequence number."""
        targets = self._targets(kind, market)
        for subscriber in targets:
            subscriber.send_raw(text)
        return len(targets)
