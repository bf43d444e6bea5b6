"""Exact conversion between the domain's epoch milliseconds and Postgres `timestamptz` values.

Integer arithmetic on timedeltas, not float seconds, so no millisecond is lost to rounding.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MS = timedelta(milliseconds=1)


def to_datetime(ts_ms: int) -> datetime:
    return _EPOCH + timedelta(milliseconds=ts_ms)


def to_epoch_ms(value: datetime) -> int:
    """Milliseconds since the epoch, floored (a microsecond part is dropped)."""
    return (value - _EPOCH) // _ONE_MS
