"""A bounded memo for values recomputed on hot paths (exact prices of ticks, ticks of prices). No I/O.

Cleared whole when full rather than evicted entry by entry: prices drift through a day while the
ones near the touch recur, so a fresh memo refills with what is wanted at a dict insert each.
"""

from __future__ import annotations

from typing import TypeVar

MEMO_LIMIT = 4_096

_Key = TypeVar("_Key")
_Value = TypeVar("_Value")


def remember(memo: dict[_Key, _Value], key: _Key, value: _Value) -> _Value:
    """Store `value` under `key`, forgetting everything first once `memo` holds `MEMO_LIMIT` entries."""
    if len(memo) >= MEMO_LIMIT:
        memo.clear()
    memo[key] = value
    return value
