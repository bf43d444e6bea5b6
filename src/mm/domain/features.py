"""Market features the quoter and the risk policy read, and why they sometimes cannot exist. No I/O.

`compute_features` either returns every feature or the first `NoQuoteReason` that prevents one,
checked in a fixed order (feed, book, staleness, mark/index, volatility), so the reason a
decision gives is deterministic.
"""

from __future__ import annotations

import math

from mm.domain.no_quote import NoQuoteReason
from mm.domain.params import StrategyParams
from mm.domain.snapshot import MarketSnapshot
from mm.domain.value import value
from mm.domain.windows import LONG_WINDOW_MS, SHORT_WINDOW_MS

_BPS = 1e4
# Realized volatility grows with the square root of the window, so dividing by this puts the long
# window on the short window's per-second scale.
_LONG_TO_SHORT_SCALE = math.sqrt(LONG_WINDOW_MS / SHORT_WINDOW_MS)


@value(frozen=True)
class Features:
    """Top-of-book and window features in one instant; prices in quote currency, rates in bps.

    `bid_px` / `ask_px` are the best bid and ask the features were computed from.
    `imbalance` is (bid size - ask size) / (bid size + ask size), in [-1, 1], positive when bids
    outweigh asks. `divergence_bps` is (mark - index) / index, None only when the params do not
    require mark and index prices and they are missing or stale.
    """

    bid_px: float
    ask_px: float
    mid: float
    spread: float
    spread_bps: float
    imbalance: float
    vol_1s_bps: float
    vol_10s_bps: float
    divergence_bps: float | None
    liquidation_count: int

    @property
    def vol_per_s_bps(self) -> float:
        """The worse of the 1 s and the per-second-scaled 10 s volatility.

        The 1 s window catches a burst at once; the 10 s one keeps a turbulent market wide through
        a momentarily quiet second.
        """
        return max(self.vol_1s_bps, self.vol_10s_bps / _LONG_TO_SHORT_SCALE)


def compute_features(snapshot: MarketSnapshot, params: StrategyParams) -> Features | NoQuoteReason:  # noqa: PLR0911 - one return per no-quote reason reads as the checklist it is
    """Compute every feature of `snapshot`, or the first reason one cannot be computed."""
    if snapshot.has_feed_gap:
        return NoQuoteReason.FEED_GAP
    bid_px, ask_px = snapshot.bid_px, snapshot.ask_px
    bid_sz, ask_sz = snapshot.bid_sz, snapshot.ask_sz
    if bid_px is None or ask_px is None or bid_sz is None or ask_sz is None:
        return NoQuoteReason.BOOK_SIDE_MISSING
    if bid_px <= 0.0 or bid_sz <= 0.0 or ask_sz <= 0.0:
        return NoQuoteReason.ZERO_BOOK
    grid = snapshot.grid
    # NaN fails every comparison, so this refuses NaN and infinity as well as 1e308.
    if not (
        bid_px <= grid.max_price and ask_px <= grid.max_price and bid_sz <= grid.max_size and ask_sz <= grid.max_size
    ):
        return NoQuoteReason.ABSURD_BOOK
    # A locked book (bid == ask) cannot last on a live order book either: the data is wrong.
    if bid_px >= ask_px:
        return NoQuoteReason.CROSSED_BOOK
    if snapshot.bbo_ts_ms is None or snapshot.now_ts_ms - snapshot.bbo_ts_ms > params.stale_after_ms:
        return NoQuoteReason.STALE_BOOK
    divergence = divergence_bps(snapshot, params)
    if divergence is None and params.requires_mark_index:
        return mark_index_problem(snapshot, params) or NoQuoteReason.MARK_INDEX_MISSING
    volatility = snapshot.volatility
    if volatility.history_ms < LONG_WINDOW_MS:
        return NoQuoteReason.VOL_WARMING_UP
    if volatility.sample_count < params.vol_min_samples:
        return NoQuoteReason.TOO_FEW_SAMPLES
    mid = (bid_px + ask_px) * 0.5
    spread = ask_px - bid_px
    return Features(
        bid_px=bid_px,
        ask_px=ask_px,
        mid=mid,
        spread=spread,
        spread_bps=spread / mid * _BPS,
        imbalance=(bid_sz - ask_sz) / (bid_sz + ask_sz),
        vol_1s_bps=volatility.vol_1s_bps,
        vol_10s_bps=volatility.vol_10s_bps,
        divergence_bps=divergence,
        liquidation_count=snapshot.liquidation_count,
    )


def divergence_bps(snapshot: MarketSnapshot, params: StrategyParams) -> float | None:
    """(mark - index) / index in bps, or None when either price is missing, non-positive or stale."""
    mark_px, index_px = snapshot.mark_px, snapshot.index_px
    if mark_px is None or index_px is None or mark_index_problem(snapshot, params) is not None:
        return None
    return (mark_px - index_px) / index_px * _BPS


def mark_index_problem(snapshot: MarketSnapshot, params: StrategyParams) -> NoQuoteReason | None:
    """Why mark and index cannot be used now (missing or stale), or None when both are usable."""
    mark_px, index_px = snapshot.mark_px, snapshot.index_px
    mark_ts_ms, index_ts_ms = snapshot.mark_ts_ms, snapshot.index_ts_ms
    if mark_px is None or index_px is None or mark_ts_ms is None or index_ts_ms is None:
        return NoQuoteReason.MARK_INDEX_MISSING
    if not (0.0 < mark_px < math.inf and 0.0 < index_px < math.inf):  # NaN included
        return NoQuoteReason.MARK_INDEX_MISSING
    oldest_ok_ts_ms = snapshot.now_ts_ms - params.mark_index_stale_after_ms
    if mark_ts_ms < oldest_ok_ts_ms or index_ts_ms < oldest_ok_ts_ms:
        return NoQuoteReason.MARK_INDEX_STALE
    return None
