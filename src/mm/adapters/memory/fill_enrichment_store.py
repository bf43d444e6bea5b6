"""`FillEnrichmentStore` in memory: the journaled fills enriched by `mm.domain.fill_enrichment`.

The in-memory summarizer writes here and the in-memory reflector and rollback watch read the
worst fills from here, so they see exactly what it enriched.
"""

from __future__ import annotations

from collections.abc import Sequence

from mm.adapters.memory.market_mid_source import InMemoryMarketMidSource
from mm.adapters.memory.trading_history import InMemoryTradingHistory
from mm.domain.enrichment_pass import EnrichmentPass, MarketTouch
from mm.domain.fill_enrichment import MarkoutSpec, MidSeries, enrich_fill
from mm.domain.fill_summary import EnrichedFill


class InMemoryFillEnrichmentStore:
    """Enriches the fills of `history` against the best bid/offer rows of `market_data`."""

    def __init__(self, history: InMemoryTradingHistory, market_data: InMemoryMarketMidSource) -> None:
        self._history = history
        self._market_data = market_data
        self._enriched: dict[tuple[str, str], EnrichedFill] = {}

    async def enrich_pending(
        self,
        exchange: str,
        spec: MarkoutSpec,
        *,
        limit: int,
        after_fill_id: str | None = None,
        symbol: str | None = None,
    ) -> EnrichmentPass:
        batch = [
            fill
            for fill in self._history.fills(exchange)
            if fill.fill_id > (after_fill_id or "")
            and (symbol is None or fill.symbol == symbol)
            and not self._is_complete(exchange, fill.fill_id)
        ][:limit]
        series: dict[str, MidSeries] = {}
        changed: list[EnrichedFill] = []
        for fill in batch:
            if fill.symbol not in series:
                series[fill.symbol] = self._market_data.series(exchange, fill.symbol)
            enriched = enrich_fill(fill, series[fill.symbol], spec)
            if self._enriched.get((exchange, fill.fill_id)) != enriched:
                self._enriched[(exchange, fill.fill_id)] = enriched
                changed.append(enriched)
        return EnrichmentPass(
            examined=len(batch), last_fill_id=batch[-1].fill_id if batch else None, touched=_touches(changed)
        )

    async def enriched_between(self, exchange: str, symbol: str, start_ms: int, end_ms: int) -> list[EnrichedFill]:
        found = [
            enriched
            for enriched in self._enriched.values()
            if (enriched.fill.exchange, enriched.fill.symbol) == (exchange, symbol)
            and start_ms <= enriched.fill.ts_ms < end_ms
        ]
        return sorted(found, key=lambda enriched: (enriched.fill.ts_ms, enriched.fill.fill_id))

    async def worst_fills(
        self, exchange: str, start_ms: int, end_ms: int, *, limit: int, symbol: str | None = None
    ) -> list[EnrichedFill]:
        ranked = [
            (enriched.markout_10s.bps, enriched.fill.ts_ms, enriched.fill.fill_id, enriched)
            for enriched in self._enriched.values()
            if enriched.fill.exchange == exchange
            and (symbol is None or enriched.fill.symbol == symbol)
            and start_ms <= enriched.fill.ts_ms < end_ms
            and enriched.markout_10s is not None
        ]
        ranked.sort(key=lambda item: item[:3])
        return [enriched for *_, enriched in ranked[:limit]]

    def _is_complete(self, exchange: str, fill_id: str) -> bool:
        stored = self._enriched.get((exchange, fill_id))
        return stored is not None and stored.is_complete


def _touches(changed: Sequence[EnrichedFill]) -> tuple[MarketTouch, ...]:
    by_symbol: dict[str, list[EnrichedFill]] = {}
    for enriched in changed:
        by_symbol.setdefault(enriched.fill.symbol, []).append(enriched)
    return tuple(
        MarketTouch(
            symbol=symbol,
            first_ts_ms=min(enriched.fill.ts_ms for enriched in fills),
            last_ts_ms=max(enriched.fill.ts_ms for enriched in fills),
            written=len(fills),
            completed=sum(1 for enriched in fills if enriched.is_complete),
        )
        for symbol, fills in sorted(by_symbol.items())
    )
