"""What the summarizer writes: fills with markouts (`fills_enriched`) and per-bucket aggregates (`agg_1m`, `agg_1h`)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    Table,
    Text,
    text,
)

from mm.adapters.postgres.tables.schema import created_now, metadata, timestamp

fills_enriched = Table(
    "fills_enriched",
    metadata,
    Column("exchange", Text, nullable=False),
    Column("fill_id", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    timestamp("ts"),
    Column("side", Text, nullable=False),
    Column("price", Numeric, nullable=False),
    Column("size", Numeric, nullable=False),
    Column("fee", Numeric, nullable=False),
    Column("mid_at_fill", Numeric, nullable=True),
    Column("spread_at_fill", Numeric, nullable=True),
    Column("markout_1s", Numeric, nullable=True),
    Column("markout_10s", Numeric, nullable=True),
    Column("markout_60s", Numeric, nullable=True),
    Column("markout_1s_bps", Numeric, nullable=True),
    Column("markout_10s_bps", Numeric, nullable=True),
    Column("markout_60s_bps", Numeric, nullable=True),
    Column("mode", Text, nullable=True),
    Column("params_version", Integer, nullable=True),
    Column(
        "is_complete",
        Boolean,
        nullable=False,
        server_default=text("false"),
        comment="every horizon has its markout; incomplete rows are revisited on later runs",
    ),
    created_now("enriched_at"),
    PrimaryKeyConstraint("exchange", "fill_id"),
    # An enrichment cannot outlive the fill it describes.
    ForeignKeyConstraint(["exchange", "fill_id"], ["ex_fill.exchange", "ex_fill.fill_id"], ondelete="CASCADE"),
    Index("ix_fills_enriched_exchange_symbol_ts", "exchange", "symbol", text("ts DESC")),
)


def _aggregate_table(name: str) -> Table:
    """Per-bucket summary of fills, PnL, inventory and modes (`agg_1m`, `agg_1h`)."""
    return Table(
        name,
        metadata,
        Column("exchange", Text, nullable=False),
        Column("symbol", Text, nullable=False),
        timestamp("bucket_start"),
        Column("fill_count", Integer, nullable=False),
        Column("buy_count", Integer, nullable=False),
        Column("sell_count", Integer, nullable=False),
        Column("volume", Numeric, nullable=False, comment="base units"),
        Column("notional", Numeric, nullable=False, comment="quote units"),
        Column("fees", Numeric, nullable=False),
        Column("mean_markout_1s_bps", Numeric, nullable=True),
        Column("mean_markout_10s_bps", Numeric, nullable=True),
        Column("mean_markout_60s_bps", Numeric, nullable=True),
        Column("realized_pnl", Numeric, nullable=True),
        Column("mtm_pnl", Numeric, nullable=True),
        Column("inventory_min", Numeric, nullable=True),
        Column("inventory_max", Numeric, nullable=True),
        Column("pause_count", Integer, nullable=False, server_default=text("0")),
        Column("time_normal_s", Numeric, nullable=False, server_default=text("0")),
        Column("time_defensive_s", Numeric, nullable=False, server_default=text("0")),
        Column("time_pause_s", Numeric, nullable=False, server_default=text("0")),
        Column("quote_uptime", Numeric, nullable=True, comment="fraction of the bucket with both quotes live"),
        Column("position_end", Numeric, nullable=True, comment="inventory after the bucket's fills, from our fills"),
        Column("avg_entry_px_end", Numeric, nullable=True, comment="average-cost entry price then; NULL when flat"),
        Column("spread_capture", Numeric, nullable=True, comment="fills against the mid at each fill"),
        Column("inventory_pnl", Numeric, nullable=True, comment="held position times the mid's moves"),
        Column("funding_pnl", Numeric, nullable=True, comment="funding settled on the held position; + received"),
        created_now("updated_at"),
        PrimaryKeyConstraint("exchange", "symbol", "bucket_start"),
    )


agg_1m = _aggregate_table("agg_1m")
agg_1h = _aggregate_table("agg_1h")
