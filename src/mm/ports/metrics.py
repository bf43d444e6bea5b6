"""One metrics API for every app: counters, gauges and histograms, optionally labelled.

Use cases ask for instruments by name; the Prometheus adapter creates each once and reuses it.
`NullMetrics`-style fakes satisfy the same Protocol for notebooks and unit tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Counter(Protocol):
    def inc(self, amount: float = 1.0, **labels: str) -> None: ...


class Gauge(Protocol):
    def set(self, value: float, **labels: str) -> None: ...


class Histogram(Protocol):
    def observe(self, value: float, **labels: str) -> None: ...


class Metrics(Protocol):
    def counter(self, name: str, documentation: str, labels: Sequence[str] = ()) -> Counter: ...

    def gauge(self, name: str, documentation: str, labels: Sequence[str] = ()) -> Gauge: ...

    def histogram(
        self,
        name: str,
        documentation: str,
        labels: Sequence[str] = (),
        buckets: Sequence[float] | None = None,
    ) -> Histogram: ...
