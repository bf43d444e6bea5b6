"""The Extended adapter's instruments, created once from the app's `Metrics`.

Every stream and REST component takes one `ExtendedMetrics`, so the names live in one place and
nothing is registered at import time.
"""

from __future__ import annotations

from mm.ports.metrics import Metrics


class ExtendedMetrics:
    """Counters and histograms the adapter records; names are prefixed by the `Metrics` adapter."""

    def __init__(self, metrics: Metrics) -> None:
        self.stream_messages = metrics.counter(
            "extended_stream_messages_total", "Frames received per stream", ("stream", "symbol")
        )
        self.stream_gaps = metrics.counter(
            "extended_stream_gaps_total",
            "Outages per stream: sequence gaps, disconnects, heartbeat timeouts",
            ("stream", "symbol", "kind"),
        )
        self.stream_reconnects = metrics.counter(
            "extended_stream_reconnects_total", "Connection attempts after the first", ("stream", "symbol")
        )
        self.stream_malformed = metrics.counter(
            "extended_stream_malformed_total", "Frames that could not be parsed and were skipped", ("stream", "symbol")
        )
        self.crossed_books = metrics.counter(
            "extended_crossed_books_total",
            "Best bid/offer frames passed on with bid above (crossed) or at (locked) the ask",
            ("symbol", "kind"),
        )
        self.rest_requests = metrics.counter(
            "extended_rest_requests_total", "REST requests sent, per operation", ("operation",)
        )
        self.rest_errors = metrics.counter(
            "extended_rest_errors_total", "REST failures per operation and typed category", ("operation", "category")
        )
        self.rest_latency = metrics.histogram(
            "extended_rest_latency_seconds",
            "REST round trip per operation",
            ("operation",),
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
        )
        self.budget_wait = metrics.histogram(
            "extended_rest_budget_wait_seconds",
            "Time a request waited for the client-side budget",
            buckets=(0.0, 0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 5.0),
        )
        self.budget_refusals = metrics.counter(
            "extended_rest_budget_refusals_total", "Requests refused by the client-side budget"
        )
        self.account_resyncs = metrics.counter(
            "extended_account_resyncs_total", "REST re-syncs of open orders and position", ("outcome",)
        )
        self.fill_replays = metrics.counter(
            "extended_fill_replays_total",
            "REST reads of our trades after a re-sync: ok, failed, or truncated by the page limit",
            ("outcome",),
        )
        self.account_corrections = metrics.counter(
            "extended_account_resync_corrections_total",
            "Events a re-sync emitted because the stream had missed them",
            ("kind",),
        )
