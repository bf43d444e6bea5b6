"""The `Metrics` port on prometheus-client, with a registry per app (never the global one).

A registry per instance keeps tests and notebooks free of duplicate-registration errors and keeps
import free of side effects.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client import Counter as PromCounter
from prometheus_client import Gauge as PromGauge
from prometheus_client import Histogram as PromHistogram
from prometheus_client.exposition import generate_latest


class _Instrument:
    """Adapts a prometheus metric to the port's `inc/set/observe(value, **labels)` form."""

    def __init__(self, metric: Any, label_names: Sequence[str]) -> None:
        self._metric = metric
        self._label_names = tuple(label_names)

    def _child(self, labels: dict[str, str]) -> Any:
        if not self._label_names:
            return self._metric
        return self._metric.labels(**{name: labels.get(name, "") for name in self._label_names})

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        self._child(labels).inc(amount)

    def set(self, value: float, **labels: str) -> None:
        self._child(labels).set(value)

    def observe(self, value: float, **labels: str) -> None:
        self._child(labels).observe(value)


class PrometheusMetrics:
    """Creates each instrument once, prefixed `mm_`, in its own registry."""

    def __init__(self, namespace: str = "mm", registry: CollectorRegistry | None = None) -> None:
        self._namespace = namespace
        self.registry = registry or CollectorRegistry()
        self._instruments: dict[str, _Instrument] = {}

    def _get(self, kind: type, name: str, documentation: str, labels: Sequence[str], **kwargs: Any) -> _Instrument:
        key = f"{self._namespace}_{name}"
        if key not in self._instruments:
            metric = kind(key, documentation, list(labels), registry=self.registry, **kwargs)
            self._instruments[key] = _Instrument(metric, labels)
        return self._instruments[key]

    def counter(self, name: str, documentation: str, labels: Sequence[str] = ()) -> _Instrument:
        return self._get(PromCounter, name, documentation, labels)

    def gauge(self, name: str, documentation: str, labels: Sequence[str] = ()) -> _Instrument:
        return self._get(PromGauge, name, documentation, labels)

    def histogram(
        self,
        name: str,
        documentation: str,
        labels: Sequence[str] = (),
        buckets: Sequence[float] | None = None,
    ) -> _Instrument:
        extra: dict[str, Any] = {"buckets": tuple(buckets)} if buckets else {}
        return self._get(PromHistogram, name, documentation, labels, **extra)

    def value(self, name: str, **labels: str) -> float | None:
        """Read a sample back (tests, summaries): `value("rows_written_total", table="md_bbo")`."""
        return self.registry.get_sample_value(f"{self._namespace}_{name}", labels or None)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

    def serve(self, port: int, addr: str = "127.0.0.1") -> None:
        """Serve `/metrics` on `port` from a daemon thread."""
        start_http_server(port, addr=addr, registry=self.registry)
