"""The rows a market-data recording stores, and how each message's raw text is kept once. No I/O.

A trades frame with several prints becomes several rows that share one raw text; storing it on
every row would multiply the frame's size by its print count (a venue's history frame holds ~50).
"""

from __future__ import annotations

from mm.domain.market_events import BestBidOffer, PriceUpdate, PublicTrade

MarketDataRow = BestBidOffer | PublicTrade | PriceUpdate


def continues_message(previous: MarketDataRow | None, row: MarketDataRow) -> bool:
    """Whether `row` comes from the same message as the row before it (same kind, market, seq, raw)."""
    return (
        previous is not None
        and type(row) is type(previous)
        and row.seq == previous.seq
        and row.symbol == previous.symbol
        and row.raw == previous.raw
    )


def raw_to_store(previous: MarketDataRow | None, row: MarketDataRow) -> str | None:
    """The raw text to store with `row`: None when there is none or its message's first row has it."""
    if not row.raw or continues_message(previous, row):
        return None
    return row.raw
