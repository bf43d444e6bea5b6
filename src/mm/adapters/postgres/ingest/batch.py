"""A batch of recorded market data, ready for one transaction: rows per table, gaps, latest values.

The builder encodes rows with the source's `MarketRowEncoder` and names each batch `<source>/<n>`. The
batch id is what makes storing exactly-once: it is written to `md_ingest_batch` in the same
transaction as the rows, so a batch retried after an ambiguous commit, or replayed from the spool,
is recognised and skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mm.adapters.postgres.ingest.market_data_rows import Row
from mm.adapters.postgres.ingest.market_row_encoder import EncodedRows, MarketRowEncoder
from mm.adapters.postgres.ingest.storable import RejectedRow, storable_gap, top_problem
from mm.domain.market_events import BestBidOffer, FeedGap, FeedRecovered, PriceKind, PriceUpdate, PublicTrade


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
    # Rows set aside while building (`storable.py`): never stored, kept in the spool's rejected folder.
    rejected_rows: list[RejectedRow] = field(default_factory=list)

    @property
    def row_total(self) -> int:
        return sum(self.row_counts.values())


class _Accumulator:
    """One batch's contents while the builder walks the queue items."""

    def __init__(self) -> None:
        self.rows = EncodedRows()
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

    def add_other(self, item: LatestOnly | GapEvent) -> None:
        if isinstance(item, LatestOnly):
            problem = top_problem(item.top)
            if problem is None:
                self.keep_top(item.top)
            else:
                self.rows.rejected.append(problem)
            return
        gap = storable_gap(item)
        if isinstance(gap, RejectedRow):
            self.rows.rejected.append(gap)
        else:
            self.gap_events.append(gap)


class BatchBuilder:
    """Turns queue items into batches, numbering rows 1, 2, 3, … across the whole source."""

    def __init__(self, source: RecordingSource) -> None:
        self.source = source
        self._batch_no = 0
        self._encoder = MarketRowEncoder()
        self._acc = _Accumulator()

    def build(self, items: Sequence[QueueItem]) -> IngestBatch:
        """The next batch, made of `items`."""
        self.add(items)
        return self.finish()

    def add(self, items: Sequence[QueueItem]) -> None:
        """Encode `items` into the batch being built (callers on an event loop add in chunks)."""
        acc = self._acc
        rejected_before = len(acc.rows.rejected)
        self._encoder.encode(items, acc.rows)
        # A row set aside does not become a latest value either (rare: only then is this set built).
        refused = {id(r.item) for r in acc.rows.rejected[rejected_before:]}
        keep_top, keep_price, add_other = acc.keep_top, acc.keep_price, acc.add_other
        for item in items:
            kind = type(item)
            if refused and id(item) in refused:
                continue
            if kind is BestBidOffer:
                keep_top(item)  # type: ignore[arg-type]
            elif kind is PriceUpdate:
                keep_price(item)  # type: ignore[arg-type]
            elif kind is not PublicTrade:
                add_other(item)  # type: ignore[arg-type]

    def finish(self) -> IngestBatch:
        """The batch of everything added since the last one."""
        acc, self._acc = self._acc, _Accumulator()
        return self._batch(acc)

    def _batch(self, acc: _Accumulator) -> IngestBatch:
        self._batch_no += 1
        binary_rows = acc.rows.by_table()
        return IngestBatch(
            batch_id=f"{self.source.name}/{self._batch_no}",
            source=self.source,
            row_counts={table: len(rows) for table, rows in binary_rows.items()},
            days=frozenset(acc.rows.days),
            binary_rows=binary_rows,
            gap_events=acc.gap_events,
            latest_tops=list(acc.tops.values()),
            latest_prices=list(acc.latest_prices.values()),
            rejected_rows=acc.rows.rejected,
        )
