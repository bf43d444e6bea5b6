"""Every REST request the fake saw, so tests can assert request budgets were kept."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """`route` is the method and route template under `/api/v1`, e.g. `"DELETE /user/order/{order_id}"`."""

    ts_ms: int
    route: str
    status: int


class RequestLog:
    def __init__(self) -> None:
        self.entries: list[LoggedRequest] = []

    def record(self, ts_ms: int, route: str, status: int) -> None:
        self.entries.append(LoggedRequest(ts_ms, route, status))

    def _matching(self, route: str | None) -> list[LoggedRequest]:
        if route is None:
            return self.entries
        return [e for e in self.entries if route in (e.route, e.route.split(" ", 1)[-1])]

    def count(self, route: str | None = None) -> int:
        """Requests to `route` (`"POST /user/order"` or just `"/user/order"`), or all of them."""
        return len(self._matching(route))

    def counts(self) -> Counter[str]:
        return Counter(e.route for e in self.entries)

    def max_in_window(self, window_s: float, route: str | None = None) -> int:
        """The most requests seen in any sliding window of `window_s` seconds."""
        window_ms = window_s * 1000
        inside: deque[int] = deque()
        most = 0
        for entry in self._matching(route):
            inside.append(entry.ts_ms)
            while entry.ts_ms - inside[0] >= window_ms:
                inside.popleft()
            most = max(most, len(inside))
        return most

    def clear(self) -> None:
        self.entries.clear()
