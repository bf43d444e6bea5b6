"""Market-data rows as binary COPY tuples for `md_bbo`, `md_trade` and `md_price`.

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


BINARY_TYPES = {
    ColumnKind.TEXT: "text",
    ColumnKind.TS: "int8",
    ColumnKind.INT: "int8",
    ColumnKind.NUMERIC: "bytea",  # already in numeric's binary form (numeric_binary.py)
    ColumnKind.BOOL: "bool",
    ColumnKind.RAW: "text",
}

_HEAD = (
    ("exchange", ColumnKind.TEXT),
    ("symbol", ColumnKind.TEXT),
    ("ts", ColumnKind.TS),
    ("recv_ts", ColumnKind.TS),
    ("seq", ColumnKind.INT),
)
_TAIL = (("row_no", ColumnKind.INT), ("raw", ColumnKind.RAW))

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


def copy_sql(table: str, *, binary: bool) -> str:
    """`COPY <table> (source_id, …) FROM STDIN`, in the column order of the row tuples."""
    columns = ", ".join(name for name, _ in TABLE_COLUMNS[table])
    options = " (FORMAT BINARY)" if binary else ""
    return f"COPY {table} (source_id, {columns}) FROM STDIN{options}"


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


def bbo_row(bbo: BestBidOffer, row_no: int, raw: str | None, numeric: NumericCache) -> Row:
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
    )


def trade_row(trade: PublicTrade, row_no: int, raw: str | None, numeric: NumericCache) -> Row:
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
    )


def price_row(price: PriceUpdate, row_no: int, raw: str | None, numeric: NumericCache) -> Row:
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
    )
