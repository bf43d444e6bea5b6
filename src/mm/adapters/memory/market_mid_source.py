"""`MarketMidSource` in memory: best bid/offer rows per market, as-of look-ups by bisection."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from mm.domain.fill_enrichment import MidSeries


class InMemoryMarketMidSource:
    """Rows of equal time keep the order they were added in: the last added is the one in effect."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], list[tuple[int, Decimal | None, Decimal | None]]] = {}

    def add_bbo(self, exchange: str, symbol: str, ts_ms: int, bid_px: Decimal | None, ask_px: Decimal | None) -> None:
        self._rows.setdefault((exchange, symbol), []).append((ts_ms, bid_px, ask_px))

    def series(self, exchange: str, symbol: str) -> MidSeries:
        """The market's two-sided rows as a `MidSeries`, ending where its recorded data ends."""
        rows = sorted(self._rows.get((exchange, symbol), []), key=lambda row: row[0])
        two_sided = [(ts_ms, bid, ask) for ts_ms, bid, ask in rows if bid is not None and ask is not None]
        return MidSeries(
            ts_ms=[ts_ms for ts_ms, _, _ in two_sided],
            mids=[(bid + ask) / 2 for _, bid, ask in two_sided],
            spreads=[ask - bid for _, bid, ask in two_sided],
            end_ms=rows[-1][0] if rows else None,
        )

    async def mids_at(
        self, exchange: str, symbol: str, times_ms: Sequence[int], max_staleness_ms: int
    ) -> list[Decimal | None]:
        series = self.series(exchange, symbol)
        return [series.mid_at(ts_ms, max_staleness_ms, bounded_by_data_end=False) for ts_ms in times_ms]
