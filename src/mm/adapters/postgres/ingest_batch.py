"""A batch of recorded market data, ready for one transaction: rows per table, gaps, latest values.

The builder numbers rows within the recording source and names each batch `<source>/<n>`. The
batch id is what makes storing exactly-once: it is written to `md_ingest_batch` in the same
transaction as the rows, so a batch retried after an ambiguous commit, or replayed from the spool,
is recognised and skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mm.adapters.postgres.market_data_rows import MS_PER_DAY, Row, bbo_row, price_row, trade_row
from mm.domain.market_events import BestBidOffer, FeedGap, FeedRecovered, PriceKind, PriceUpdate, PublicTrade
from mm.domain.recorded_rows import MarketDataRow, raw_to_store


@dataclass(frozen=True, slots=True)
class RecordingSource:
    """The `md_source` row of a recording: one per ingestor run. `detail` is JSON text."""

    exchange: str
    name: str
    detail: str = "{}"
    kind: str = "ws"


@dataclass(frozen=True, slots=True)
class LatestOnly:
    """A best bid/offer thinned out of `md_bbo` that still becomes the market's latest top."""

    top: BestBidOffer


GapEvent = FeedGap | FeedRecovered
QueueItem = BestBidOffer | PublicTrade | PriceUpdate | LatestOnly | FeedGap | FeedRecovered


@dataclass(slots=True)
class IngestBatch:
    """Rows come as binary COPY tuples (`binary_rows`) or, replayed from the spool, as text COPY."""

    batch_id: str
    source: RecordingSource
    row_counts: dict[str, int]
    days: frozenset[int]  # UTC days (epoch ms // 86,400,000) the rows fall on
    binary_rows: dict[str, list[Row]] = field(default_factory=dict)
    text_rows: dict[str, bytes] = field(default_factory=dict)
    gap_events: list[GapEvent] = field(default_factory=list)
    latest_tops: list[BestBidOffer] = field(default_factory=list)
    latest_prices: list[PriceUpdate] = field(default_factory=list)

    @property
    def row_total(self) -> int:
        return sum(self.row_counts.values())


class _Accumulator:
    """One batch's contents while the builder walks the queue items."""

    def __init__(self) -> None:
        self.bbo: list[Row] = []
        self.trades: list[Row] = []
        self.prices: list[Row] = []
        self.days: set[int] = set()
        self.gap_events: list[GapEvent] = []
        self.tops: dict[tuple[str, str], BestBidOffer] = {}
        self.latest_prices: dict[tuple[str, str, PriceKind], PriceUpdate] = {}

    def keep_top(self, top: BestBidOffer) -> None:
        key = (top.exchange, top.symbol)
        known = self.tops.get(key)
        if known is None or known.exchange_ts_ms <= top.exchange_ts_ms:
            self.tops[key] = top

    def keep_price(self, price: PriceUpdate) -> None:
        key = (price.exchange, price.symbol, price.kind)
        known = self.latest_prices.get(key)
        if known is None or known.exchange_ts_ms <= price.exchange_ts_ms:
            self.latest_prices[key] = price


class BatchBuilder:
    """Turns queue items into batches, numbering rows 1, 2, 3, … across the whole source."""

    def __init__(self, source: RecordingSource) -> None:
        self.source = source
        self._row_no = 0
        self._batch_no = 0
        self._previous: MarketDataRow | None = None

    def build(self, items: list[QueueItem]) -> IngestBatch:
        acc = _Accumulator()
        last_day = -1
        for item in items:
            if isinstance(item, BestBidOffer | PublicTrade | PriceUpdate):
                self._add_row(acc, item)
                day = item.exchange_ts_ms // MS_PER_DAY
                if day != last_day:
                    acc.days.add(day)
                    last_day = day
            elif isinstance(item, LatestOnly):
                acc.keep_top(item.top)
            else:
                acc.gap_events.append(item)
        return self._batch(acc)

    def _add_row(self, acc: _Accumulator, row: MarketDataRow) -> None:
        self._row_no += 1
        raw = raw_to_store(self._previous, row)
        self._previous = row
        if isinstance(row, BestBidOffer):
            acc.bbo.append(bbo_row(row, self._row_no, raw))
            acc.keep_top(row)
        elif isinstance(row, PriceUpdate):
            acc.prices.append(price_row(row, self._row_no, raw))
            acc.keep_price(row)
        else:
            acc.trades.append(trade_row(row, self._row_no, raw))

    def _batch(self, acc: _Accumulator) -> IngestBatch:
        self._batch_no += 1
        binary_rows = {
            table: rows for table, rows in (("md_bbo", acc.bbo), ("md_trade", acc.trades), ("md_price", acc.prices)) if rows
        }
        return IngestBatch(
            batch_id=f"{self.source.name}/{self._batch_no}",
            source=self.source,
            row_counts={table: len(rows) for table, rows in binary_rows.items()},
            days=frozenset(acc.days),
            binary_rows=binary_rows,
            gap_events=acc.gap_events,
            latest_tops=list(acc.tops.values()),
            latest_prices=list(acc.latest_prices.values()),
        )
