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
from mm.adapters.postgres.ingest.numeric_binary import NumericCache, NumericOutOfRange
from mm.adapters.postgres.ingest.storable import (
    INT64_MAX,
    INT64_MIN,
    MAX_TS_MS,
    MIN_TS_MS,
    RejectedRow,
    RejectReason,
    time_problem,
)
from mm.domain.market_events import BestBidOffer, PriceUpdate, PublicTrade
from mm.domain.recorded_rows import MarketDataRow, continues_message


@dataclass(slots=True)
class EncodedRows:
    """COPY tuples per `md_*` table, and the UTC days (epoch ms // 86,400,000) they fall on."""

    bbo: list[Row] = field(default_factory=list)
    trades: list[Row] = field(default_factory=list)
    prices: list[Row] = field(default_factory=list)
    days: set[int] = field(default_factory=set)
    rejected: list[RejectedRow] = field(default_factory=list)

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
        """Append the rows of the market-data events among `items` to `into` (other items are skipped).

        A row the tables cannot hold (`storable.py`) goes to `into.rejected` instead, without a number.
        """
        # The hot loop of the ingestor (~2 µs a row): dispatch on the exact type, state in locals.
        numeric, last_ms, days = self._numeric, self._last_ms, into.days
        targets: dict[type, tuple[str, list[Row], Callable[[Any, int, int, str | None, NumericCache], Row]]] = {
            BestBidOffer: ("md_bbo", into.bbo, bbo_row),
            PublicTrade: ("md_trade", into.trades, trade_row),
            PriceUpdate: ("md_price", into.prices, price_row),
        }
        previous, row_no, last_day = self._previous, self.row_no, -1
        for item in items:
            target = targets.get(type(item))
            if target is None:
                continue
            row: MarketDataRow = item  # type: ignore[assignment]
            table, rows, encode = target
            ts_ms, seq = row.exchange_ts_ms, row.seq
            if not (
                MIN_TS_MS <= ts_ms <= MAX_TS_MS
                and MIN_TS_MS <= row.received_ts_ms <= MAX_TS_MS
                and INT64_MIN <= seq <= INT64_MAX
            ):
                into.rejected.append(_out_of_range(table, row))
                continue
            msg_no, state, stream = 0, None, None
            if type(row) is not PublicTrade:  # a print is named by its trade id
                stream = row.symbol if type(row) is BestBidOffer else (row.symbol, row.kind)  # type: ignore[union-attr]
                state = last_ms.get(stream)
                if state is not None and state[0] == ts_ms:
                    msg_no = state[1] + 1
            raw: str | None = row.raw or None
            # Rows of one message share its seq; only then is the full comparison needed.
            if raw is not None and previous is not None and previous.seq == seq and continues_message(previous, row):
                raw = None
            try:
                rows.append(encode(row, row_no + 1, msg_no, raw, numeric))
            except NumericOutOfRange as error:
                into.rejected.append(RejectedRow(table, RejectReason.NUMERIC, str(error), row))
                continue
            row_no += 1
            if state is not None:
                state[0], state[1] = ts_ms, msg_no
            elif stream is not None:
                last_ms[stream] = [ts_ms, 0]
            previous = row
            day = ts_ms // MS_PER_DAY
            if day != last_day:
                days.add(day)
                last_day = day
        self._previous, self.row_no = previous, row_no


def _out_of_range(table: str, row: MarketDataRow) -> RejectedRow:
    """The set-aside form of a row whose time or seq the table cannot hold."""
    reason = time_problem("ts", row.exchange_ts_ms) or time_problem("recv_ts", row.received_ts_ms)
    if reason is not None:
        return RejectedRow(table, RejectReason.TIME, reason, row)
    return RejectedRow(table, RejectReason.SEQ, "seq is beyond bigint", row)
