"""The `md_*` rows of one recording source, as its writer hands them to COPY: numbered, raw kept once, keyed.

A venue message is identified by its market, exchange time and `msg_no` (and, for a print, its trade
id and whether it was resent history): `msg_no` counts the messages of one market and stream that
share an exchange millisecond, 0 for the first. Two apps receiving the same stream give its messages
the same keys, so the second copy is recognised and dropped (`market_row_copy.py`). A trade id names
one print, so prints always take 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from mm.adapters.postgres.ingest.market_data_rows import MS_PER_DAY, Row, bbo_row, price_row, trade_row
from mm.adapters.postgres.ingest.numeric_binary import NumericCache
from mm.domain.market_events import BestBidOffer, PriceUpdate, PublicTrade
from mm.domain.recorded_rows import MarketDataRow, continues_message


@dataclass(slots=True)
class EncodedRows:
    """COPY tuples per `md_*` table, and the UTC days (epoch ms // 86,400,000) they fall on."""

    bbo: list[Row] = field(default_factory=list)
    trades: list[Row] = field(default_factory=list)
    prices: list[Row] = field(default_factory=list)
    days: set[int] = field(default_factory=set)

    def by_table(self) -> dict[str, list[Row]]:
        """The non-empty tables' rows."""
        tables = (("md_bbo", self.bbo), ("md_trade", self.trades), ("md_price", self.prices))
        return {table: rows for table, rows in tables if rows}

    @property
    def row_total(self) -> int:
        return len(self.bbo) + len(self.trades) + len(self.prices)


class MarketRowEncoder:
    """Encodes one source's rows in arrival order, numbering them 1, 2, 3, … across all its batches."""

    def __init__(self, numeric: NumericCache | None = None) -> None:
        self.row_no = 0  # the last number given
        self._previous: MarketDataRow | None = None
        self._numeric = numeric if numeric is not None else NumericCache()
        self._last_ms: dict[object, list[int]] = {}  # per market and stream: [exchange ms, msg_no]

    def fork(self) -> MarketRowEncoder:
        """A copy to encode a batch that may fail: keep it if the batch commits, drop it if not."""
        copy = MarketRowEncoder(self._numeric)
        copy.row_no, copy._previous = self.row_no, self._previous
        copy._last_ms = {key: list(state) for key, state in self._last_ms.items()}
        return copy

    def encode(self, items: Iterable[object], into: EncodedRows) -> None:
        """Append the rows of the market-data events among `items` to `into` (other items are skipped)."""
        # The hot loop of the ingestor (~2 µs a row): dispatch on the exact type, state in locals.
        numeric, last_ms, days = self._numeric, self._last_ms, into.days
        targets: dict[type, tuple[list[Row], Callable[[Any, int, int, str | None, NumericCache], Row]]] = {
            BestBidOffer: (into.bbo, bbo_row),
            PublicTrade: (into.trades, trade_row),
            PriceUpdate: (into.prices, price_row),
        }
        previous, row_no, last_day = self._previous, self.row_no, -1
        for item in items:
            target = targets.get(type(item))
            if target is None:
                continue
            row: MarketDataRow = item  # type: ignore[assignment]
            ts_ms, msg_no = row.exchange_ts_ms, 0
            if type(row) is not PublicTrade:  # a print is named by its trade id
                stream = row.symbol if type(row) is BestBidOffer else (row.symbol, row.kind)  # type: ignore[union-attr]
                state = last_ms.get(stream)
                if state is None:
                    last_ms[stream] = [ts_ms, 0]
                elif state[0] == ts_ms:
                    msg_no = state[1] = state[1] + 1
                else:
                    state[0], state[1] = ts_ms, 0
            row_no += 1
            raw: str | None = row.raw or None
            # Rows of one message share its seq; only then is the full comparison needed.
            if (
                raw is not None
                and previous is not None
                and previous.seq == row.seq
                and continues_message(previous, row)
            ):
                raw = None
            rows, encode = target
            rows.append(encode(row, row_no, msg_no, raw, numeric))
            previous = row
            day = ts_ms // MS_PER_DAY
            if day != last_day:
                days.add(day)
                last_day = day
        self._previous, self.row_no = previous, row_no
