"""Recorded market data: `md_source`, the day-partitioned `md_bbo` / `md_trade` / `md_price`, `md_gap`, and the
`latest_*` values.

`md_*` tables are range-partitioned by day on `ts` (see `partitions.py`). A row comes from a source (a
connection session or an imported file) and has its ordinal there (`source_id`, `row_no`). A row of
a live feed is also the venue message it was received as: market, exchange time, `msg_no` and, for a
print, its trade id and whether it was resent history. That key is unique, so a message two apps
recorded, or a batch stored twice, is kept once. Rows without a venue identity (imported files, rows
stored before revision 0002) have `msg_no` NULL and are never taken for one another.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Identity,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from mm.adapters.postgres.tables.schema import created_now, metadata, timestamp

PARTITIONED_TABLES = ("md_bbo", "md_trade", "md_price")


md_source = Table(
    "md_source",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("kind", Text, nullable=False, comment="ws (a live connection session) or file (an import)"),
    Column("exchange", Text, nullable=False),
    Column("name", Text, nullable=False, comment="connection session id or file sha256"),
    created_now("created_at"),
    Column("detail", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    UniqueConstraint("kind", "exchange", "name"),
)


def _md_table(name: str, message_key: tuple[str, ...], *columns: Column[object]) -> Table:
    """An `md_*` table; `message_key` names the columns that tell its venue messages apart besides the market."""
    return Table(
        name,
        metadata,
        Column("exchange", Text, nullable=False),
        Column("symbol", Text, nullable=False),
        timestamp("ts"),
        timestamp("recv_ts", nullable=True),
        Column("seq", BigInteger, nullable=True, comment="the venue's per-connection sequence number"),
        *columns,
        Column("source_id", Integer, nullable=False),
        Column("row_no", BigInteger, nullable=False, comment="ordinal of the row within its source"),
        # text, not jsonb: the exact bytes received (jsonb reorders keys and drops duplicates, and
        # parsing it was most of the ingest COPY's cost); readers cast `raw::jsonb` when they need to.
        Column("raw", Text, nullable=True),
        Column(
            "msg_no",
            Integer,
            nullable=True,
            comment="which of the market's messages in one exchange millisecond (0 first); NULL: no venue identity",
        ),
        # Ascending `ts`: rows arrive in time order, so inserts append at the index's right edge.
        Index(f"ix_{name}_message", "exchange", "symbol", "ts", *message_key, "msg_no", unique=True),
        postgresql_partition_by="RANGE (ts)",
    )


md_bbo = _md_table(
    "md_bbo",
    (),
    Column("bid_px", Numeric, nullable=True),
    Column("bid_sz", Numeric, nullable=True),
    Column("ask_px", Numeric, nullable=True),
    Column("ask_sz", Numeric, nullable=True),
)

md_trade = _md_table(
    "md_trade",
    ("trade_id", "is_replay"),
    Column("trade_id", Text, nullable=True),
    Column("price", Numeric, nullable=False),
    Column("size", Numeric, nullable=False),
    Column("taker_side", Text, nullable=False),
    Column("kind", Text, nullable=False, server_default="trade", comment="trade, liquidation, deleverage"),
    Column("is_replay", Boolean, nullable=False, server_default=text("false")),
)

md_price = _md_table(
    "md_price",
    ("kind",),
    Column("kind", Text, nullable=False, comment="mark or index"),
    Column("price", Numeric, nullable=False),
)

md_gap = Table(
    "md_gap",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    Column("stream", Text, nullable=False),
    Column("kind", Text, nullable=False),
    timestamp("from_ts"),
    timestamp("to_ts", nullable=True),
    Column("expected_seq", BigInteger, nullable=True),
    Column("received_seq", BigInteger, nullable=True),
    Column("detail", Text, nullable=False, server_default=""),
    Index("ix_md_gap_exchange_symbol_from_ts", "exchange", "symbol", "from_ts"),
)


latest_top = Table(
    "latest_top",
    metadata,
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    timestamp("ts"),
    timestamp("recv_ts", nullable=True),
    Column("bid_px", Numeric, nullable=True),
    Column("bid_sz", Numeric, nullable=True),
    Column("ask_px", Numeric, nullable=True),
    Column("ask_sz", Numeric, nullable=True),
    created_now("updated_at"),
    PrimaryKeyConstraint("exchange", "symbol"),
)

latest_price = Table(
    "latest_price",
    metadata,
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    Column("kind", Text, nullable=False),
    timestamp("ts"),
    timestamp("recv_ts", nullable=True),
    Column("price", Numeric, nullable=False),
    created_now("updated_at"),
    PrimaryKeyConstraint("exchange", "symbol", "kind"),
)

md_funding = Table(
    "md_funding",
    metadata,
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    timestamp("ts"),
    Column("rate", Numeric, nullable=False, comment="funding rate applied at ts; a long pays rate x notional"),
    created_now("received_at"),
    PrimaryKeyConstraint("exchange", "symbol", "ts"),
)
