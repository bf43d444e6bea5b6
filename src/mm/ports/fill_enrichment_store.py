"""Where our fills are enriched with the book and their markouts (`fills_enriched`), and read back.

The summarizer writes and reads the enrichments; the reflector and the rollback watch read the
worst fills, as the same `EnrichedFill`s, through this one port.
"""

from __future__ import annotations

from typing import Protocol

from mm.domain.enrichment_pass import EnrichmentPass
from mm.domain.fill_enrichment import MarkoutSpec
from mm.domain.fill_summary import EnrichedFill


class FillEnrichmentStore(Protocol):
    async def enrich_pending(
        self,
        exchange: str,
        spec: MarkoutSpec,
        *,
        limit: int,
        after_fill_id: str | None = None,
        symbol: str | None = None,
    ) -> EnrichmentPass:
        """Enrich up to `limit` pending fills with fill id above `after_fill_id`, in fill id order.

        Pending: never enriched, or enriched with a markout still missing. Each is stored once per
        (exchange, fill id); a pass that finds nothing new changes nothing, and only fills whose
        enrichment was written or changed are reported as touched.
        """
        ...

    async def enriched_between(self, exchange: str, symbol: str, start_ms: int, end_ms: int) -> list[EnrichedFill]:
        """Enriched fills with start_ms <= ts < end_ms, by time then fill id."""
        ...

    async def worst_fills(
        self, exchange: str, start_ms: int, end_ms: int, *, limit: int, symbol: str | None = None
    ) -> list[EnrichedFill]:
        """Up to `limit` fills with start_ms <= ts < end_ms and the lowest 10 s markout in bps, worst first.

        Fills whose 10 s markout is not known yet are left out; ties go to the earlier fill, then the
        lower fill id. Without `symbol`, every market of the exchange.
        """
        ...
