"""A stored backtest: its run, its simulated fills and its mode timeline."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from mm.adapters.postgres.tables.schema import created_now, metadata, timestamp

backtest_run = Table(
    "backtest_run",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    timestamp("start_ts"),
    timestamp("end_ts"),
    Column("data_source", Text, nullable=False, comment="the file prefix or database span replayed"),
    Column("data_sha256", Text, nullable=False, comment="digest of the replayed columns"),
    Column("rows", BigInteger, nullable=False, comment="market-data rows replayed"),
    Column("params", JSONB, nullable=False),
    Column("settings", JSONB, nullable=False, comment="fill model, latencies, timer, fee, grid, data repairs"),
    Column("summary", JSONB, nullable=False),
    created_now("created_at"),
    Index("ix_backtest_run_exchange_symbol_created_at", "exchange", "symbol", text("created_at DESC")),
)

backtest_fill = Table(
    "backtest_fill",
    metadata,
    Column("run_id", BigInteger, ForeignKey("backtest_run.id", ondelete="CASCADE"), nullable=False),
    Column("fill_id", Text, nullable=False),
    timestamp("ts"),
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
    timestamp("ts"),
    Column("mode", Text, nullable=False),
    Column("reasons", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    PrimaryKeyConstraint("run_id", "seq"),
)

backtest_sweep = Table(
    "backtest_sweep",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("name", Text, nullable=False, comment="the grid or the search, as asked"),
    Column("config", JSONB, nullable=False, comment="grid axes or search objective, data sets, splits"),
    created_now("created_at"),
)

backtest_sweep_run = Table(
    "backtest_sweep_run",
    metadata,
    Column("sweep_id", BigInteger, ForeignKey("backtest_sweep.id", ondelete="CASCADE"), nullable=False),
    Column("run_id", BigInteger, ForeignKey("backtest_run.id", ondelete="CASCADE"), nullable=False),
    Column("split", Text, nullable=True, comment="train or test when the sweep splits its data by time"),
    Column("trial", Integer, nullable=True, comment="the search's trial number"),
    PrimaryKeyConstraint("sweep_id", "run_id"),
    Index("ix_backtest_sweep_run_run_id", "run_id"),
)

backtest_run_key = Table(
    "backtest_run_key",
    metadata,
    Column("run_key", Text, nullable=False, comment="digest of data, params, settings and engine version"),
    Column("run_id", BigInteger, ForeignKey("backtest_run.id", ondelete="CASCADE"), nullable=False),
    PrimaryKeyConstraint("run_key"),
)
