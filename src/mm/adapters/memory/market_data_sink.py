"""`MarketDataSink` in memory: rows, latest tops and prices, and gaps, kept as domain values.

Follows the Postgres writer's rules (row numbers, raw text once per message, the newest top
wins, a recovery closes its stream's open gaps) and passes the same contract suite.
"""

from __future__ import annotations

from dataclasses import dataclass

from mm.domain.market_events import BestBidOffer, FeedGap, FeedRecovered, PriceKind, PriceUpdate
from mm.domain.recorded_rows import MarketDataRow, raw_to_store
from mm.ports.errors import StoreError


@dataclass(frozen=True, slots=True)
class StoredRow:
    """One accepted row, its number within the source and the raw text kept with it."""

    row_no: int
    row: MarketDataRow
    raw: str | None


@dataclass(slots=True)
class StoredGap:
    gap: FeedGap
    to_ts_ms: int | None = None


class InMemoryMarketDataSink:
    def __init__(self) -> None:
        self.rows: list[StoredRow] = []
        self.latest_tops: dict[tuple[str, str], BestBidOffer] = {}
        self.latest_prices: dict[tuple[str, str, PriceKind], PriceUpdate] = {}
        self.gaps: list[StoredGap] = []
        self.flushes = 0
        self._previous: MarketDataRow | None = None
        self._is_closed = False

    async def append(self, row: MarketDataRow) -> None:
        self._check_open()
        self.rows.append(StoredRow(len(self.rows) + 1, row, raw_to_store(self._previous, row)))
        self._previous = row
        if isinstance(row, BestBidOffer):
            self._keep_top(row)
        elif isinstance(row, PriceUpdate):
            key = (row.exchange, row.symbol, row.kind)
            known = self.latest_prices.get(key)
            if known is None or known.exchange_ts_ms <= row.exchange_ts_ms:
                self.latest_prices[key] = row

    async def update_latest(self, top: BestBidOffer) -> None:
        self._check_open()
        self._keep_top(top)

    async def record_gap(self, gap: FeedGap) -> None:
        self._check_open()
        self.gaps.append(StoredGap(gap))

    async def record_recovery(self, recovery: FeedRecovered) -> None:
        self._check_open()
        for stored in self.gaps:
            gap = stored.gap
            if (
                stored.to_ts_ms is None
                and (gap.exchange, gap.symbol, gap.stream) == (recovery.exchange, recovery.symbol, recovery.stream)
                and gap.from_ts_ms >= recovery.gap_from_ts_ms
            ):
                stored.to_ts_ms = recovery.recovered_ts_ms

    async def flush(self) -> None:
        self.flushes += 1

    async def aclose(self) -> None:
        self._is_closed = True

    def _keep_top(self, top: BestBidOffer) -> None:
        key = (top.exchange, top.symbol)
        known = self.latest_tops.get(key)
        if known is None or known.exchange_ts_ms <= top.exchange_ts_ms:
            self.latest_tops[key] = top

    def _check_open(self) -> None:
        if self._is_closed:
            raise StoreError("the market-data sink is closed")
