"""The schema: SQLAlchemy Core tables, the single source of truth alembic migrations are checked against.

`md_*` tables are range-partitioned by day on `ts` (see `partitions.py`). Their rows are identified by
(`source_id`, `row_no`): the connection session or imported file they came from and their ordinal in
it, which makes re-inserts of the same rows idempotent.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

PARTITIONED_TABLES = ("md_bbo", "md_trade", "md_price")


def _ts(name: str, *, nullable: bool = False) -> Column[object]:
    return Column(name, DateTime(timezone=True), nullable=nullable)


def _now(name: str) -> Column[object]:
    return Column(name, DateTime(timezone=True), nullable=False, server_default=text("now()"))


# --- market data ----------------------------------------------------------------------------------

md_source = Table(
    "md_source",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("kind", Text, nullable=False, comment="ws (a live connection session) or file (an import)"),
    Column("exchange", Text, nullable=False),
    Column("name", Text, nullable=False, comment="connection session id or file sha256"),
    _now("created_at"),
    Column("detail", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    UniqueConstraint("kind", "exchange", "name"),
)


def _md_table(name: str, *columns: Column[object]) -> Table:
    return Table(
        name,
        metadata,
        Column("exchange", Text, nullable=False),
        Column("symbol", Text, nullable=False),
        _ts("ts"),
        _ts("recv_ts", nullable=True),
        Column("seq", BigInteger, nullable=True, comment="the venue's per-connection sequence number"),
        *columns,
        Column("source_id", Integer, nullable=False),
        Column("row_no", BigInteger, nullable=False, comment="ordinal of the row within its source"),
        # text, not jsonb: the exact bytes received (jsonb reorders keys and drops duplicates, and
        # parsing it was most of the ingest COPY's cost); readers cast `raw::jsonb` when they need to.
        Column("raw", Text, nullable=True),
        Index(
            f"ix_{name}_exchange_symbol_ts",
            "exchange",
            "symbol",
            text("ts DESC"),
            "source_id",
            "row_no",
            unique=True,
        ),
        postgresql_partition_by="RANGE (ts)",
    )


md_bbo = _md_table(
    "md_bbo",
    Column("bid_px", Numeric, nullable=True),
    Column("bid_sz", Numeric, nullable=True),
    Column("ask_px", Numeric, nullable=True),
    Column("ask_sz", Numeric, nullable=True),
)

md_trade = _md_table(
    "md_trade",
    Column("trade_id", Text, nullable=True),
    Column("price", Numeric, nullable=False),
    Column("size", Numeric, nullable=False),
    Column("taker_side", Text, nullable=False),
    Column("kind", Text, nullable=False, server_default="trade", comment="trade, liquidation, deleverage"),
    Column("is_replay", Boolean, nullable=False, server_default=text("false")),
)

md_price = _md_table(
    "md_price",
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
    _ts("from_ts"),
    _ts("to_ts", nullable=True),
    Column("expected_seq", BigInteger, nullable=True),
    Column("received_seq", BigInteger, nullable=True),
    Column("detail", Text, nullable=False, server_default=""),
    Index("ix_md_gap_exchange_symbol_from_ts", "exchange", "symbol", "from_ts"),
)

md_ingest_batch = Table(
    "md_ingest_batch",
    metadata,
    Column("batch_id", Text, primary_key=True, comment="written in the same transaction as the batch rows"),
    Column("rows", Integer, nullable=False),
    _now("committed_at"),
)

latest_top = Table(
    "latest_top",
    metadata,
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    _ts("ts"),
    _ts("recv_ts", nullable=True),
    Column("bid_px", Numeric, nullable=True),
    Column("bid_sz", Numeric, nullable=True),
    Column("ask_px", Numeric, nullable=True),
    Column("ask_sz", Numeric, nullable=True),
    _now("updated_at"),
    PrimaryKeyConstraint("exchange", "symbol"),
)

latest_price = Table(
    "latest_price",
    metadata,
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    Column("kind", Text, nullable=False),
    _ts("ts"),
    _ts("recv_ts", nullable=True),
    Column("price", Numeric, nullable=False),
    _now("updated_at"),
    PrimaryKeyConstraint("exchange", "symbol", "kind"),
)

# --- exchange events --------------------------------------------------------------------------------

ex_order = Table(
    "ex_order",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    _ts("ts"),
    Column("event", Text, nullable=False, comment="place_sent, replace_sent, cancel_sent, update, ..."),
    Column("client_order_id", Text, nullable=True),
    Column("exchange_order_id", Text, nullable=True),
    Column("side", Text, nullable=True),
    Column("price", Numeric, nullable=True),
    Column("size", Numeric, nullable=True),
    Column("filled_size", Numeric, nullable=True),
    Column("status", Text, nullable=True),
    Column("reason", Text, nullable=True),
    Column("raw", JSONB, nullable=True),
    Index("ix_ex_order_exchange_symbol_ts", "exchange", "symbol", text("ts DESC")),
    Index("ix_ex_order_client_order_id", "client_order_id"),
)

ex_fill = Table(
    "ex_fill",
    metadata,
    Column("exchange", Text, nullable=False),
    Column("fill_id", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    _ts("ts"),
    _ts("recv_ts", nullable=True),
    Column("exchange_order_id", Text, nullable=True),
    Column("client_order_id", Text, nullable=True),
    Column("side", Text, nullable=False),
    Column("price", Numeric, nullable=False),
    Column("size", Numeric, nullable=False),
    Column("fee", Numeric, nullable=False),
    Column("is_taker", Boolean, nullable=False),
    Column("mode", Text, nullable=True, comment="strategy mode when the fill arrived"),
    Column("params_version", Integer, nullable=True),
    Column("raw", JSONB, nullable=True),
    PrimaryKeyConstraint("exchange", "fill_id"),
    Index("ix_ex_fill_exchange_symbol_ts", "exchange", "symbol", text("ts DESC")),
)

ex_position = Table(
    "ex_position",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    _ts("ts"),
    Column("size", Numeric, nullable=False),
    Column("entry_price", Numeric, nullable=True),
    Column("unrealised_pnl", Numeric, nullable=True),
    Column("realised_pnl", Numeric, nullable=True),
    Column("raw", JSONB, nullable=True),
    Index("ix_ex_position_exchange_symbol_ts", "exchange", "symbol", text("ts DESC")),
)

ex_decision = Table(
    "ex_decision",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    _ts("ts"),
    Column("mode", Text, nullable=False),
    Column("prev_mode", Text, nullable=True),
    Column("reasons", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("params_version", Integer, nullable=True),
    Column("mid", Numeric, nullable=True),
    Column("bid_px", Numeric, nullable=True),
    Column("bid_sz", Numeric, nullable=True),
    Column("ask_px", Numeric, nullable=True),
    Column("ask_sz", Numeric, nullable=True),
    Column("position", Numeric, nullable=True),
    Column("features", JSONB, nullable=True),
    Column("commands", JSONB, nullable=True),
    Index("ix_ex_decision_exchange_symbol_ts", "exchange", "symbol", text("ts DESC")),
)

# --- strategy --------------------------------------------------------------------------------------

strategy_params = Table(
    "strategy_params",
    metadata,
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("params", JSONB, nullable=False),
    Column("source", Text, nullable=False, comment="default, manual, proposal, rollback"),
    Column("proposal_id", Text, ForeignKey("llm_proposal.id"), nullable=True),
    _now("created_at"),
    PrimaryKeyConstraint("exchange", "symbol", "version"),
)

strategy_state = Table(
    "strategy_state",
    metadata,
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    Column("version", BigInteger, nullable=False, comment="optimistic concurrency: one above the last"),
    Column("mode", Text, nullable=False),
    Column("mode_reasons", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("params_version", Integer, nullable=False),
    _ts("saved_ts"),
    Column("detail", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    PrimaryKeyConstraint("exchange", "symbol", "version"),
)

# --- analysis --------------------------------------------------------------------------------------

fills_enriched = Table(
    "fills_enriched",
    metadata,
    Column("exchange", Text, nullable=False),
    Column("fill_id", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    _ts("ts"),
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
    _now("enriched_at"),
    PrimaryKeyConstraint("exchange", "fill_id"),
    # An enrichment cannot outlive the fill it describes.
    ForeignKeyConstraint(["exchange", "fill_id"], ["ex_fill.exchange", "ex_fill.fill_id"], ondelete="CASCADE"),
    Index("ix_fills_enriched_exchange_symbol_ts", "exchange", "symbol", text("ts DESC")),
)

# --- reflector -------------------------------------------------------------------------------------

llm_proposal = Table(
    "llm_proposal",
    metadata,
    Column("id", Text, primary_key=True),
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    _ts("input_window_start"),
    _ts("input_window_end"),
    Column("status", Text, nullable=False, comment="proposed, applied, rejected, rolled_back"),
    Column("model", Text, nullable=False),
    Column("base_params_version", Integer, nullable=True),
    Column("changes", JSONB, nullable=False),
    Column("rollback_conditions", JSONB, nullable=False),
    Column("rationale", Text, nullable=False),
    Column("reasoning_path", Text, nullable=False),
    Column("reasoning_sha256", Text, nullable=False),
    _now("created_at"),
    _now("updated_at"),
    # One proposal per market and input window: re-running a window stores nothing new.
    UniqueConstraint("exchange", "symbol", "input_window_start", "input_window_end"),
)

param_rollout = Table(
    "param_rollout",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("proposal_id", Text, ForeignKey("llm_proposal.id"), nullable=True),
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    _ts("ts"),
    Column("action", Text, nullable=False, comment="applied, rejected, rolled_back"),
    Column("from_version", Integer, nullable=True),
    Column("to_version", Integer, nullable=True),
    Column("reasons", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("detail", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Index("ix_param_rollout_exchange_symbol_ts", "exchange", "symbol", text("ts DESC")),
)


def _aggregate_table(name: str) -> Table:
    """Per-bucket summary of fills, PnL, inventory and modes (`agg_1m`, `agg_1h`)."""
    return Table(
        name,
        metadata,
        Column("exchange", Text, nullable=False),
        Column("symbol", Text, nullable=False),
        _ts("bucket_start"),
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
        _now("updated_at"),
        PrimaryKeyConstraint("exchange", "symbol", "bucket_start"),
    )


agg_1m = _aggregate_table("agg_1m")
agg_1h = _aggregate_table("agg_1h")

# --- backtest --------------------------------------------------------------------------------------

backtest_run = Table(
    "backtest_run",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    _ts("start_ts"),
    _ts("end_ts"),
    Column("data_source", Text, nullable=False, comment="the file prefix or database span replayed"),
    Column("data_sha256", Text, nullable=False, comment="digest of the replayed columns"),
    Column("rows", BigInteger, nullable=False, comment="market-data rows replayed"),
    Column("params", JSONB, nullable=False),
    Column("settings", JSONB, nullable=False, comment="fill model, latencies, timer, fee, grid, data repairs"),
    Column("summary", JSONB, nullable=False),
    _now("created_at"),
    Index("ix_backtest_run_exchange_symbol_created_at", "exchange", "symbol", text("created_at DESC")),
)

backtest_fill = Table(
    "backtest_fill",
    metadata,
    Column("run_id", BigInteger, ForeignKey("backtest_run.id", ondelete="CASCADE"), nullable=False),
    Column("fill_id", Text, nullable=False),
    _ts("ts"),
    Column("side", Text, nullable=False),
    Column("price", Numeric, nullable=False),
    Column("size", Numeric, nullable=False),
    Column("fee", Numeric, nullable=False),
    Column("mode", Text, nullable=True),
    Column("params_version", Integer, nullable=True),
    Column("position_after", Numeric, nullable=False),
    Column("mid_at_fill", Numeric, nullable=True),
    Column("spread_at_fill", Numeric, nullable=True),
    Column("markout_1s", Numeric, nullable=True),
    Column("markout_10s", Numeric, nullable=True),
    Column("markout_60s", Numeric, nullable=True),
    Column("markout_1s_bps", Numeric, nullable=True),
    Column("markout_10s_bps", Numeric, nullable=True),
    Column("markout_60s_bps", Numeric, nullable=True),
    PrimaryKeyConstraint("run_id", "fill_id"),
)

backtest_mode = Table(
    "backtest_mode",
    metadata,
    Column("run_id", BigInteger, ForeignKey("backtest_run.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False, comment="order of the change within the run"),
    _ts("ts"),
    Column("mode", Text, nullable=False),
    Column("reasons", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    PrimaryKeyConstraint("run_id", "seq"),
)
