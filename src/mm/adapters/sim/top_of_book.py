"""The recorded market's best bid and offer as the fill models see it: integer ticks, float sizes.

The recorded data never contains our own orders; sizes here are everybody else's.
"""

from __future__ import annotations

import math

NO_BID_TICKS = -(1 << 62)
NO_ASK_TICKS = 1 << 62


class TopOfBook:
    """Mutable on purpose: the exchange refreshes it in place before asking a fill model."""

    __slots__ = ("_ask_px", "_bid_px", "ask_sz", "ask_ticks", "bid_sz", "bid_ticks")

    def __init__(
        self,
        bid_ticks: int = NO_BID_TICKS,
        bid_sz: float = 0.0,
        ask_ticks: int = NO_ASK_TICKS,
        ask_sz: float = 0.0,
    ) -> None:
        self.bid_ticks = bid_ticks
        self.bid_sz = bid_sz
        self.ask_ticks = ask_ticks
        self.ask_sz = ask_sz
        self._bid_px = math.nan  # the float prices last converted, to skip converting them again
        self._ask_px = math.nan

    def set_prices(self, bid_px: float, bid_sz: float, ask_px: float, ask_sz: float, ticks_per_unit: float) -> None:
        """Take a float best bid/offer; a missing side (NaN, infinite or non-positive) becomes empty."""
        # Most rows change sizes only: convert a price to ticks only when it moved.
        if bid_px != self._bid_px:
            self._bid_px = bid_px
            self.bid_ticks = round(bid_px * ticks_per_unit) if 0 < bid_px < math.inf else NO_BID_TICKS
        if ask_px != self._ask_px:
            self._ask_px = ask_px
            self.ask_ticks = round(ask_px * ticks_per_unit) if 0 < ask_px < math.inf else NO_ASK_TICKS
        self.bid_sz = bid_sz
        self.ask_sz = ask_sz

    def __repr__(self) -> str:
        return f"TopOfBook({self.bid_sz} @ {self.bid_ticks} / {self.ask_sz} @ {self.ask_ticks})"


def price_to_ticks(price: float, ticks_per_unit: float) -> int:
    """Nearest tick of a recorded float price (recorded prices sit on the tick grid up to float error)."""
    return round(price * ticks_per_unit)
