"""Markout arithmetic: how the mid moved after one of our fills, signed so positive is good for us.

Pure functions on floats (backtest hot path) or Decimals (stored results); no I/O. A buy earns
when the mid rises after it (future mid - fill price), a sell when the mid falls (fill price -
future mid). Basis points are of the fill price.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

from mm.domain.side import Side

Number = TypeVar("Number", float, Decimal)

_BPS = 10_000


def markout(side: Side, fill_price: Number, future_mid: Number) -> Number:
    """The markout in quote currency per unit of base: positive when the fill was good for us."""
    if fill_price <= 0:
        raise ValueError(f"fill_price must be positive, got {fill_price}")
    return future_mid - fill_price if side is Side.BUY else fill_price - future_mid


def markout_bps(side: Side, fill_price: Number, future_mid: Number) -> Number:
    """The markout in basis points of the fill price: markout × 10 000 / fill price."""
    return markout(side, fill_price, future_mid) * _BPS / fill_price


FEW_FILLS = 30
"""Below this many fills a mean markout says little: one adverse fill can swing it by bps. Reports say so."""


def few_fills_note(sample_size: int) -> str | None:
    """A warning for a statistic resting on fewer than `FEW_FILLS` fills (None when there are enough)."""
    if sample_size >= FEW_FILLS:
        return None
    return (
        f"rests on {sample_size} fill{'s' if sample_size != 1 else ''}: too few to judge the strategy "
        f"({FEW_FILLS} or more wanted; replay more data)"
    )
