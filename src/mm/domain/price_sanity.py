"""The price-sanity guard: a best bid or ask that jumps is not quoted on until the market confirms it. No I/O.

One frame can carry a price no market trades at (an ask of 200,000 on a 100,000 book). Quoting
from it would price an order through the real book, so each side of the book keeps a *trusted*
price, and a new price is taken on trust only when it lies within `band_bps` of it and, unless an
earlier confirmation waived it, within `band_bps` of the mark or the index. Any other price becomes
a *candidate*: it is trusted once `confirm_updates` further books keep that side within the band of
it, or a public trade prints there. A side whose latest price is a candidate is unconfirmed, and an
unconfirmed book is a PAUSE cause (`ModeReason.PRICE_UNCONFIRMED`), so no quote is ever computed
from it. A book that returns to the trusted level simply ends the suspicion.

Non-finite and non-positive prices are never trusted nor confirmed. A confirmed level that stays
away from mark and index keeps its waiver only while it stays within the band of itself; the
pre-trade check still bounds every order by mark and index.

Every book passes through here, so the common case (a trusted side moving a little, near mark or
index) costs a few float comparisons: the anchors' bands are worked out when mark or index change.
"""

from __future__ import annotations

import math

_BPS = 1e4
_EVERYWHERE = (-math.inf, math.inf)
_NOWHERE = (math.inf, -math.inf)


def is_within_band(price: float, reference: float, band_fraction: float) -> bool:
    """Whether `price` lies within `band_fraction` (0.02 = 2%) of a positive `reference`; NaN never does."""
    return abs(price - reference) <= reference * band_fraction


class SideCheck:
    """One side of the book: its trusted price, and the candidate that may replace it."""

    __slots__ = ("candidate_px", "is_anchor_waived", "seen", "trusted_px")

    def __init__(self) -> None:
        self.trusted_px: float | None = None
        self.is_anchor_waived = False
        self.candidate_px: float | None = None
        self.seen = 0

    def observe(self, price: float, is_near_anchor: bool, band: float, confirm_updates: int) -> None:
        """Take in this side's new best price; `is_near_anchor` is whether mark or index back it."""
        if not 0.0 < price < math.inf:
            self.candidate_px, self.seen = math.nan, 0  # NaN matches nothing: this cannot be confirmed
            return
        trusted = self.trusted_px
        if trusted is None:
            if is_near_anchor:
                self._trust(price, is_near_anchor)
                return
        elif is_within_band(price, trusted, band) and (is_near_anchor or self.is_anchor_waived):
            self._trust(price, is_near_anchor)
            return
        candidate = self.candidate_px
        if candidate is not None and is_within_band(price, candidate, band):
            self.seen += 1
            if self.seen >= confirm_updates:
                self._trust(price, is_near_anchor)
            else:
                self.candidate_px = price
        else:
            self.candidate_px, self.seen = price, 0

    def on_trade(self, price: float, is_near_anchor: bool, band: float) -> None:
        """A print within the band of the candidate confirms it: the market traded there."""
        candidate = self.candidate_px
        if candidate is not None and is_within_band(price, candidate, band):
            self._trust(candidate, is_near_anchor)

    def _trust(self, price: float, is_near_anchor: bool) -> None:
        self.trusted_px = price
        self.is_anchor_waived = not is_near_anchor
        self.candidate_px, self.seen = None, 0


class PriceSanity:
    """Both sides' checks for one market; feed every book and public trade, and every mark and index."""

    __slots__ = ("_band", "_index_band", "_mark_band", "ask", "bid", "confirm_updates", "index_px", "mark_px")

    def __init__(self, band_bps: float, confirm_updates: int) -> None:
        self.bid = SideCheck()
        self.ask = SideCheck()
        self._band = 0.0
        self.confirm_updates = 1
        self.mark_px: float | None = None
        self.index_px: float | None = None
        self._mark_band = self._index_band = _NOWHERE
        self.set_limits(band_bps, confirm_updates)

    def set_limits(self, band_bps: float, confirm_updates: int) -> None:
        if not 0.0 < band_bps < math.inf or confirm_updates < 1:
            raise ValueError(f"band must be positive and confirmations at least 1, got {band_bps}, {confirm_updates}")
        self._band = band_bps / _BPS
        self.confirm_updates = confirm_updates
        self.set_anchors(self.mark_px, self.index_px)

    def set_anchors(self, mark_px: float | None, index_px: float | None) -> None:
        """The latest mark and index prices (None: not known); an unusable one counts as not known."""
        self.mark_px, self.index_px = mark_px, index_px
        self._mark_band = self._band_around(mark_px)
        self._index_band = self._band_around(index_px)
        if self._mark_band is _NOWHERE and self._index_band is _NOWHERE:
            self._mark_band = _EVERYWHERE  # nothing to compare with: every price is near enough

    def _band_around(self, anchor: float | None) -> tuple[float, float]:
        if anchor is None or not 0.0 < anchor < math.inf:
            return _NOWHERE
        return anchor - anchor * self._band, anchor + anchor * self._band

    @property
    def is_confirmed(self) -> bool:
        """Whether both sides' latest prices are trusted (a side never seen counts as confirmed)."""
        return self.bid.candidate_px is None and self.ask.candidate_px is None

    @property
    def trusted_mid(self) -> float | None:
        """The mid of the trusted prices, the reference of last resort when mark and index are missing."""
        bid, ask = self.bid.trusted_px, self.ask.trusted_px
        return None if bid is None or ask is None else (bid + ask) * 0.5

    def is_near_anchor(self, price: float) -> bool:
        """Within the band of mark or of index; True when neither is known; False for NaN."""
        mark_low, mark_high = self._mark_band
        if mark_low <= price <= mark_high:
            return True
        index_low, index_high = self._index_band
        return index_low <= price <= index_high

    def on_book(self, bid_px: float | None, ask_px: float | None) -> None:
        """Check a new best bid/offer; a missing side changes nothing (features refuse a one-sided book)."""
        if bid_px is not None:
            self._check(self.bid, bid_px)
        if ask_px is not None:
            self._check(self.ask, ask_px)

    def _check(self, side: SideCheck, price: float) -> None:
        trusted = side.trusted_px
        mark_low, mark_high = self._mark_band
        index_low, index_high = self._index_band
        is_near_anchor = mark_low <= price <= mark_high or index_low <= price <= index_high
        band = self._band
        # The common case, inline: a trusted side moving within the band, backed by mark or index.
        if (
            is_near_anchor
            and side.candidate_px is None
            and trusted is not None
            and price > 0.0
            and abs(price - trusted) <= trusted * band
        ):
            side.trusted_px = price
            side.is_anchor_waived = False
        else:
            side.observe(price, is_near_anchor, band, self.confirm_updates)

    def on_trade(self, price: float) -> None:
        if not 0.0 < price < math.inf:
            return
        is_near_anchor = self.is_near_anchor(price)
        self.bid.on_trade(price, is_near_anchor, self._band)
        self.ask.on_trade(price, is_near_anchor, self._band)
