"""Order and trade sides. Pure values, no I/O."""

from __future__ import annotations

from enum import StrEnum


class Side(StrEnum):
    """The side of an order, fill or taker print."""

    BUY = "buy"
    SELL = "sell"

    @property
    def sign(self) -> int:
        """+1 for a buy, -1 for a sell: the sign a fill of this side adds to inventory."""
        return 1 if self is Side.BUY else -1

    @property
    def opposite(self) -> Side:
        return Side.SELL if self is Side.BUY else Side.BUY
