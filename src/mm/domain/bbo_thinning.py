"""Which best bid/offer updates the recorder stores as rows: the thinning rule of one market. No I/O.

Thinning trades storage for resolution on the busiest stream only; trades and prices are never
thinned. The rule compares each update with the last *stored* one of the same market, so a slow
drift that never moves far in one step is still recorded once it adds up to a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mm.domain.market_events import BestBidOffer


class BboTrigger(StrEnum):
    """What must differ from the last stored row for an update to be stored."""

    EVERY = "every"  # nothing: every update qualifies
    ANY_CHANGE = "change"  # a price or a size
    PRICE_CHANGE = "price_change"  # a price; sizes are ignored


@dataclass(frozen=True, slots=True)
class BboThinning:
    """Store an update when its trigger fires and at least `min_interval_ms` of exchange time passed.

    Both conditions must hold. The first update of a market, and the first after a feed gap, is
    always stored. An exchange time that runs backwards (a venue reset) counts as enough time.
    """

    trigger: BboTrigger = BboTrigger.EVERY
    min_interval_ms: int = 0

    def __post_init__(self) -> None:
        if self.min_interval_ms < 0:
            raise ValueError(f"min_interval_ms must not be negative, got {self.min_interval_ms}")

    @property
    def is_off(self) -> bool:
        return self.trigger is BboTrigger.EVERY and self.min_interval_ms == 0

    def should_store(self, last_stored: BestBidOffer | None, update: BestBidOffer) -> bool:
        """Whether `update` becomes a row, given the market's last stored update (None after a gap)."""
        if last_stored is None:
            return True
        elapsed_ms = update.exchange_ts_ms - last_stored.exchange_ts_ms
        if 0 <= elapsed_ms < self.min_interval_ms:
            return False
        if self.trigger is BboTrigger.PRICE_CHANGE:
            return update.bid_px != last_stored.bid_px or update.ask_px != last_stored.ask_px
        if self.trigger is BboTrigger.ANY_CHANGE:
            return (
                update.bid_px != last_stored.bid_px
                or update.ask_px != last_stored.ask_px
                or update.bid_sz != last_stored.bid_sz
                or update.ask_sz != last_stored.ask_sz
            )
        return True


NO_THINNING = BboThinning()
