"""Storing chosen enrichments the way the summarizer stores any: journal the fill, record a book, enrich.

Tests that need particular markouts (the worst fills a reflector reads) get them through the store's
own `enrich_pending`, over the best bid/offer rows those markouts imply, on either backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from mm.domain.fill_enrichment import MarkoutSpec
from mm.domain.fill_summary import MARKOUT_HORIZONS_S, EnrichedFill
from tests.summarizer_support.seeding import SummarizerBackend

_HALF_SPREAD = Decimal("0.5")
_ENOUGH = 10_000


def implied_book(enriched: EnrichedFill) -> list[tuple[int, Decimal, Decimal]]:
    """(ts_ms, bid, ask) rows under which the fill enriches to `enriched`, when nothing else is near it.

    One row at the fill when its mid is known, one at each horizon whose markout is known; a horizon
    after the last row stays unknown, as the data ends there.
    """
    fill = enriched.fill
    rows: list[tuple[int, Decimal, Decimal]] = []
    if enriched.mid_at_fill is not None:
        half = (enriched.spread_at_fill or Decimal(0)) / 2
        rows.append((fill.ts_ms, enriched.mid_at_fill - half, enriched.mid_at_fill + half))
    for horizon_s, markout in zip(MARKOUT_HORIZONS_S, enriched.markouts, strict=True):
        if markout is not None:
            # buy: markout = mid - price; sell: markout = price - mid
            mid = fill.price + fill.side.sign * markout.price
            rows.append((fill.ts_ms + horizon_s * 1000, mid - _HALF_SPREAD, mid + _HALF_SPREAD))
    return rows


async def store_enriched(
    backend: SummarizerBackend, wanted: Sequence[EnrichedFill], spec: MarkoutSpec | None = None
) -> None:
    """Journal the fills and their implied books, then enrich every pending fill of their markets."""
    rows: list[tuple[str, str, int, Decimal, Decimal]] = []
    for enriched in wanted:
        await backend.seed.add_fill(enriched.fill)
        market = (enriched.fill.exchange, enriched.fill.symbol)
        rows += [(*market, ts_ms, bid, ask) for ts_ms, bid, ask in implied_book(enriched)]
    for exchange, symbol, ts_ms, bid, ask in sorted(rows, key=lambda row: row[2]):
        await backend.seed.add_bbo(exchange, symbol, ts_ms, bid, ask)
    for exchange, symbol in sorted({(e.fill.exchange, e.fill.symbol) for e in wanted}):
        await backend.fills.enrich_pending(exchange, spec or MarkoutSpec(), limit=_ENOUGH, symbol=symbol)
