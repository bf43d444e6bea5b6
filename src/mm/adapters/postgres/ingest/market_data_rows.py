"""The one encoding of `md_bbo`, `md_trade` and `md_price` rows: their COPY layout and binary tuples.

Every writer of these tables (the ingestor's pipeline, the executor's journal, `mm data import`)
builds its rows here, so a venue message is stored the same way whichever app received it.

Binary COPY was measured faster than text COPY on these tables (about 1.3-1.5x, mostly less
parsing of numerics and timestamps on the server; `benchmarks/bench_ingest_writer.py`). Two
columns use the binary wire form directly to skip Python objects on the hot path: timestamps go
as int8 microseconds since 2000-01-01 (what `timestamptz` is on the wire). The raw message goes
as plain `text`: the columns are text, not jsonb, because parsing jsonb was most of the server's
COPY time and text keeps the exact bytes received. Numerics go pre-encoded too
(`numeric_binary`), from a cache. `source_id` is not in the tuples: the writer puts it in front
once it knows it.
"""

from __future__ import annotations

from enum import StrEnum

from mm.adapters.postgres.ingest.numeric_binary import NumericCache
from mm.domain.market_events import BestBidOffer, PriceUpdate, PublicTrade

POSTGRES_EPOCH_MS = 946_684_800_000  # 2000-01-01T00:00:00Z, where Postgres timestamps count from
MS_PER_DAY = 86_400_000


class ColumnKind(StrEnum):
    """How a column travels: its binary COPY type and its text form in the spool."""

    TEXT = "text"
    TS = "ts"
    INT = "int"
    NUMERIC = "numeric"
    BOOL = "bool"
    RAW = "raw"
    ORDINAL = "ordinal"


BINARY_TYPES = {
    ColumnKind.TEXT: "text",
    ColumnKind.TS: "int8",
    ColumnKind.INT: "int8",
    ColumnKind.NUMERIC: "bytea",  # already in numeric's binary form (numeric_binary.py)
    ColumnKind.BOOL: "bool",
    ColumnKind.RAW: "text",
    ColumnKind.ORDINAL: "int4",
}

_HEAD = (
    ("exchange", ColumnKind.TEXT),
    ("symbol", ColumnKind.TEXT),
    ("ts", ColumnKind.TS),
    ("recv_ts", ColumnKind.TS),
    ("seq", ColumnKind.INT),
)
# `msg_no` comes last: a spool record written before it existed gets it as a trailing NULL (spool_format.py).
_TAIL = (("row_no", ColumnKind.INT), ("raw", ColumnKind.RAW), ("msg_no", ColumnKind.ORDINAL))

TABLE_COLUMNS: dict[str, tuple[tuple[str, ColumnKind], ...]] = {
    "md_bbo": (
        *_HEAD,
        ("bid_px", ColumnKind.NUMERIC),
        ("bid_sz", ColumnKind.NUMERIC),
        ("ask_px", ColumnKind.NUMERIC),
        ("ask_sz", ColumnKind.NUMERIC),
        *_TAIL,
    ),
    "md_trade": (
        *_HEAD,
        ("trade_id", ColumnKind.TEXT),
        ("price", ColumnKind.NUMERIC),
        ("size", ColumnKind.NUMERIC),
        ("taker_side", ColumnKind.TEXT),
        ("kind", ColumnKind.TEXT),
        ("is_replay", ColumnKind.BOOL),
        *_TAIL,
    ),
    "md_price": (
        *_HEAD,
        ("kind", ColumnKind.TEXT),
        ("price", ColumnKind.NUMERIC),
        *_TAIL,
    ),
}
MD_TABLES = tuple(TABLE_COLUMNS)

Row = tuple[object, ...]


def column_list(table: str) -> str:
    """`source_id, …`: the columns of `table`'s row tuples, `source_id` first."""
    return ", ".join(("source_id", *(name for name, _ in TABLE_COLUMNS[table])))


def copy_sql(table: str, *, binary: bool, into: str | None = None) -> str:
    """`COPY <into or table> (source_id, …) FROM STDIN`, in the column order of `table`'s row tuples."""
    options = " (FORMAT BINARY)" if binary else ""
    return f"COPY {into or table} ({column_list(table)}) FROM STDIN{options}"


def binary_types(table: str) -> list[str]:
    """The `Copy.set_types` list of a table, `source_id` first."""
    return ["int4", *(BINARY_TYPES[kind] for _, kind in TABLE_COLUMNS[table])]


def ts_us(ts_ms: int) -> int:
    """Epoch milliseconds as Postgres's binary timestamp: microseconds since 2000-01-01 UTC."""
    return (ts_ms - POSTGRES_EPOCH_MS) * 1000


def ts_ms_of(ts_us_value: int) -> int:
    return ts_us_value // 1000 + POSTGRES_EPOCH_MS


def raw_text(raw: str | None) -> str | None:
    """`raw` as the `text` column can hold it, or None.

    Postgres text cannot hold a NUL character (the server would fail the whole batch); a message
    carrying one (not valid JSON anyway) keeps it as the JSON escape `\\u0000` instead.
    """
    if raw is None or "\x00" not in raw:
        return raw
    return raw.replace("\x00", "\\u0000")


def bbo_row(bbo: BestBidOffer, row_no: int, msg_no: int, raw: str | None, numeric: NumericCache) -> Row:
    return (
        bbo.exchange,
        bbo.symbol,
        (bbo.exchange_ts_ms - POSTGRES_EPOCH_MS) * 1000,
        (bbo.received_ts_ms - POSTGRES_EPOCH_MS) * 1000,
        bbo.seq,
        numeric[str(bbo.bid_px)],
        numeric[str(bbo.bid_sz)],
        numeric[str(bbo.ask_px)],
        numeric[str(bbo.ask_sz)],
        row_no,
        raw_text(raw),
        msg_no,
    )


def trade_row(trade: PublicTrade, row_no: int, msg_no: int, raw: str | None, numeric: NumericCache) -> Row:
    return (
        trade.exchange,
        trade.symbol,
        (trade.exchange_ts_ms - POSTGRES_EPOCH_MS) * 1000,
        (trade.received_ts_ms - POSTGRES_EPOCH_MS) * 1000,
        trade.seq,
        trade.trade_id,
        numeric[str(trade.price)],
        numeric[str(trade.size)],
        trade.taker_side.value,
        trade.kind.value,
        trade.is_replay,
        row_no,
        raw_text(raw),
        msg_no,
    )


def price_row(price: PriceUpdate, row_no: int, msg_no: int, raw: str | None, numeric: NumericCache) -> Row:
    return (
        price.exchange,
        price.symbol,
        (price.exchange_ts_ms - POSTGRES_EPOCH_MS) * 1000,
        (price.received_ts_ms - POSTGRES_EPOCH_MS) * 1000,
        price.seq,
        price.kind.value,
        numeric[str(price.price)],
        row_no,
        raw_text(raw),
        msg_no,
    )


def recorded_bbo_row(market: tuple[str, str], ts_ms: int, fields: list[str], row_no: int, numeric: NumericCache) -> Row:
    """A best bid/offer of a recorded file (`ts_ms,bid_px,bid_sz,ask_px,ask_sz`, numbers as exact text) of
    `market` (exchange, symbol).

    A file gives no receive time, seq, raw message or venue identity: those stay NULL.
    """
    _ts, bid_px, bid_sz, ask_px, ask_sz = fields
    ts_us_value = (ts_ms - POSTGRES_EPOCH_MS) * 1000
    prices = (numeric[bid_px], numeric[bid_sz], numeric[ask_px], numeric[ask_sz])
    return (*market, ts_us_value, None, None, *prices, row_no, None, None)


def recorded_trade_row(
    market: tuple[str, str], ts_ms: int, fields: list[str], row_no: int, numeric: NumericCache
) -> Row:
    """A print of a recorded file (`ts_ms,px,sz,side`): a plain trade, live, without a trade id."""
    _ts, price, size, side = fields
    ts_us_value = (ts_ms - POSTGRES_EPOCH_MS) * 1000
    prices = (numeric[price], numeric[size])
    return (*market, ts_us_value, None, None, None, *prices, side, "trade", False, row_no, None, None)
