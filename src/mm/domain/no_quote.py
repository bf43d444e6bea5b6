"""Why the strategy posts no quote, or none on one side. A closed set of values, no I/O."""

from __future__ import annotations

from enum import StrEnum


class NoQuoteReason(StrEnum):
    """A feature that cannot be computed (whole quote withheld) or a side dropped by the quoter."""

    FEED_GAP = "feed_gap"
    BOOK_SIDE_MISSING = "book_side_missing"
    ZERO_BOOK = "zero_book"
    CROSSED_BOOK = "crossed_book"
    ABSURD_BOOK = "absurd_book"
    STALE_BOOK = "stale_book"
    MARK_INDEX_MISSING = "mark_index_missing"
    MARK_INDEX_STALE = "mark_index_stale"
    VOL_WARMING_UP = "vol_warming_up"
    TOO_FEW_SAMPLES = "too_few_samples"
    BID_AT_POSITION_LIMIT = "bid_at_position_limit"
    ASK_AT_POSITION_LIMIT = "ask_at_position_limit"
    BID_BELOW_MIN_SIZE = "bid_below_min_size"
    ASK_BELOW_MIN_SIZE = "ask_below_min_size"
    BID_PRICE_NOT_POSITIVE = "bid_price_not_positive"
    ASK_PRICE_NOT_POSITIVE = "ask_price_not_positive"
