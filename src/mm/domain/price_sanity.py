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
"""

from __future__ import annotations

import math

_BPS = 1e4


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

    @property
    def is_confirmed(self) -> bool:
        return self.candidate_px is None

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
    """Both sides' checks for one market; feed every book and every public trade, with mark and index."""

    __slots__ = ("_band", "ask", "bid", "confirm_updates")

    def __init__(self, band_bps: float, confirm_updates: int) -> None:
        self.bid = SideCheck()
        self.ask = SideCheck()
        self._band = 0.0
        self.confirm_updates = 1
        self.set_limits(band_bps, confirm_updates)

    def set_limits(self, band_bps: float, confirm_updates: int) -> None:
        if not 0.0 < band_bps < math.inf or confirm_updates < 1:
            raise ValueError(f"band must be positive and confirmations at least 1, got {band_bps}, {confirm_updates}")
        self._band = band_bps / _BPS
        self.confirm_updates = confirm_updates

    @property
    def is_confirmed(self) -> bool:
        """Whether both sides' latest prices are trusted (a side never seen counts as confirmed)."""
        return self.bid.candidate_px is None and self.ask.candidate_px is None

    @property
    def trusted_mid(self) -> float | None:
        """The mid of the trusted prices, the reference of last resort when mark and index are missing."""
        bid, ask = self.bid.trusted_px, self.ask.trusted_px
        return None if bid is None or ask is None else (bid + ask) * 0.5

    def on_book(
        self, bid_px: float | None, ask_px: float | None, mark_px: float | None, index_px: float | None
    ) -> None:
        """Check a new best bid/offer; a missing side changes nothing (features refuse a one-sided book)."""
        band = self._band
        if bid_px is not None:
            self.bid.observe(bid_px, self._is_near_anchor(bid_px, mark_px, index_px), band, self.confirm_updates)
        if ask_px is not None:
            self.ask.observe(ask_px, self._is_near_anchor(ask_px, mark_px, index_px), band, self.confirm_updates)

    def on_trade(self, price: float, mark_px: float | None, index_px: float | None) -> None:
        if not 0.0 < price < math.inf:
            return
        is_near_anchor = self._is_near_anchor(price, mark_px, index_px)
        self.bid.on_trade(price, is_near_anchor, self._band)
        self.ask.on_trade(price, is_near_anchor, self._band)

    def _is_near_anchor(self, price: float, mark_px: float | None, index_px: float | None) -> bool:
        """Within the band of mark or of index; True when neither is known (nothing to compare with)."""
        has_anchor = False
        for anchor in (mark_px, index_px):
            if anchor is not None and 0.0 < anchor < math.inf:
                if is_within_band(price, anchor, self._band):
                    return True
                has_anchor = True
        return not has_anchor
