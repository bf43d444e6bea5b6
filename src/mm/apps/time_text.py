"""Times as people read them in the apps' output: UTC, ISO 8601, to the millisecond."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_utc(ts_ms: int | None) -> str | None:
    """`2026-12-02T18:40:12.345Z` for epoch milliseconds, None for None."""
    if ts_ms is None:
        return None
    return datetime.fromtimestamp(ts_ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
