"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 21:04:35.658592
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ex_decision",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("exchange", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("prev_mode", sa.Text(), nullable=True),
        sa.Column("reasons", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("params_version", sa.Integer(), nullable=True),
        sa.Column("mid", sa.Numeric(), nullable=True),
        sa.Column("bid_px", sa.Numeric(), nullable=True),
        sa.Column("bid_sz", sa.Numeric(), nullable=True),
        sa.Column("ask_px", sa.Numeric(), nullable=True),
        sa.Column("ask_sz", sa.Numeric(), nullable=True),
        sa.Column("position", sa.Numeric(), nullable=True),
        sa.Column("features", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("commands", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ex_decision")),
    )
    op.create_index(
        "ix_ex_decision_exchange_symbol_ts",
        "ex_decision",
        ["exchange", "symbol", sa.literal_column("ts DESC")],
        unique=False,
    )
    op.create_table(
        "ex_fill",
        sa.Column("exchange", sa.Text(), nullable=False),
        sa.Column("fill_id", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recv_ts", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exchange_order_id", sa.Text(), nullable=True),
        sa.Column("client_order_id", sa.Text(), nullable=True),
        sa.Column("side", sa.Text(), nullable=False),
        sa.Column("price", sa.Numeric(), nullable=False),
        sa.Column("size", sa.Numeric(), nullable=False),
        sa.Column("fee", sa.Numeric(), nullable=False),
        sa.Column("is_taker", sa.Boolean(), nullable=False),
        sa.Column("mode", sa.Text(), nullable=True, comment="strategy mode when the fill arrived"),
        sa.Column("params_version", sa.Integer(), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("exchange", "fill_id", name=op.f("pk_ex_fill")),
    )
    op.create_index(
        "ix_ex_fill_exchange_symbol_ts",
        "ex_fill",
        ["exchange", "symbol", sa.literal_column("ts DESC")],
        unique=False,
    )
    op.create_table(
        "ex_order",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("exchange", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event", sa.Text(), nullable=False, comment="place_sent, replace_sent, cancel_sent, update, ..."),
        sa.Column("client_order_id", sa.Text(), nullable=True),
        sa.Column("exchange_order_id", sa.Text(), nullable=True),
        sa.Column("side", sa.Text(), nullable=True),
        sa.Column("price", sa.Numeric(), nullable=True),
        sa.Column("size", sa.Numeric(), nullable=True),
        sa.Column("filled_size", sa.Numeric(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ex_order")),
    )
    op.create_index("ix_ex_order_client_order_id", "ex_order", ["client_order_id"], unique=False)
    op.create_index(
        "ix_ex_order_exchange_symbol_ts",
        "ex_order",
        ["exchange", "symbol", sa.literal_column("ts DESC")],
        unique=False,
    )
    op.create_table(
        "ex_position",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("exchange", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("size", sa.Numeric(), nullable=False),
        sa.Column("entry_price", sa.Numeric(), nullable=True),
        sa.Column("unrealised_pnl", sa.Numeric(), nullable=True),
        sa.Column("realised_pnl", sa.Numeric(), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ex_position")),
    )
    op.create_index(
        "ix_ex_position_exchange_symbol_ts",
        "ex_position",
        ["exchange", "symbol", sa.literal_column("ts DESC")],
        unique=False,
    )
    op.create_table(
        "latest_price",
        sa.Column("exchange", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recv_ts", sa.DateTime(timezone=True), nullable=True),
        sa.Column("price", sa.Numeric(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("exchange", "symbol", "kind", name=op.f("pk_latest_price")),
    )
    op.create_table(
        "latest_top",
        sa.Column("exchange", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recv_ts", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bid_px", sa.Numeric(), nullable=True),
        sa.Column("bid_sz", sa.Numeric(), nullable=True),
        sa.Column("ask_px", sa.Numeric(), nullable=True),
        sa.Column("ask_sz", sa.Numeric(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("exchange", "symbol", name=op.f("pk_latest_top")),
    )
    op.create_table(
        "llm_proposal",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("exchange", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("input_window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("input_window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Text(), nullable=False, comment="proposed, applied, rejected, rolled_back"),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("base_params_version", sa.Integer(), nullable=True),
        sa.Column("changes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("rollback_conditions", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("reasoning_path", sa.Text(), nullable=False),
        sa.Column("reasoning_sha256", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_llm_proposal")),
        sa.UniqueConstraint(
            "exchange",
            "symbol",
            "input_window_start",
            "input_window_end",
            name=op.f("uq_llm_proposal_exchange_symbol_input_window_start_input_window_end"),
        ),
    )
    op.create_table(
        "md_bbo",
        sa.Column("exchange", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recv_ts", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=True, comment="the venue's per-connection sequence number"),
        sa.Column("bid_px", sa.Numeric(), nullable=True),
        sa.Column("bid_sz", sa.Numeric(), nullable=True),
        sa.Column("ask_px", sa.Numeric(), nullable=True),
        sa.Column("ask_sz", sa.Numeric(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("row_no", sa.BigInteger(), nullable=False, comment="ordinal of the row within its source"),
        sa.Column("raw", sa.Text(), nullable=True),
        postgresql_partition_by="RANGE (ts)",
    )
    op.create_index(
        "ix_md_bbo_exchange_symbol_ts",
        "md_bbo",
        ["exchange", "symbol", sa.literal_column("ts DESC"), "source_id", "row_no"],
        unique=True,
    )
    op.create_table(
        "md_gap",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("exchange", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("stream", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("from_ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("to_ts", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expected_seq", sa.BigInteger(), nullable=True),
        sa.Column("received_seq", sa.BigInteger(), nullable=True),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_md_gap")),
    )
    op.create_index("ix_md_gap_exchange_symbol_from_ts", "md_gap", ["exchange", "symbol", "from_ts"], unique=False)
    op.create_table(
        "md_ingest_batch",
        sa.Column("batch_id", sa.Text(), nullable=False, comment="written in the same transaction as the batch rows"),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("batch_id", name=op.f("pk_md_ingest_batch")),
    )
    op.create_table(
        "md_price",
        sa.Column("exchange", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recv_ts", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=True, comment="the venue's per-connection sequence number"),
        sa.Column("kind", sa.Text(), nullable=False, comment="mark or index"),
        sa.Column("price", sa.Numeric(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("row_no", sa.BigInteger(), nullable=False, comment="ordinal of the row within its source"),
        sa.Column("raw", sa.Text(), nullable=True),
        postgresql_partition_by="RANGE (ts)",
    )
    op.create_index(
        "ix_md_price_exchange_symbol_ts",
        "md_price",
        ["exchange", "symbol", sa.literal_column("ts DESC"), "source_id", "row_no"],
        unique=True,
    )
    op.create_table(
        "md_source",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False, comment="ws (a live connection session) or file (an import)"),
        sa.Column("exchange", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False, comment="connection session id or file sha256"),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column(
            "detail",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_md_source")),
        sa.UniqueConstraint("kind", "exchange", "name", name=op.f("uq_md_source_kind_exchange_name")),
    )
    op.create_table(
        "md_trade",
        sa.Column("exchange", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recv_ts", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=True, comment="the venue's per-connection sequence number"),
        sa.Column("trade_id", sa.Text(), nullable=True),
        sa.Column("price", sa.Numeric(), nullable=False),
        sa.Column("size", sa.Numeric(), nullable=False),
        sa.Column("taker_side", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Text(),
            server_default="trade",
            nullable=False,
            comment="trade, liquidation, deleverage",
        ),
        sa.Column("is_replay", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("row_no", sa.BigInteger(), nullable=False, comment="ordinal of the row within its source"),
        sa.Column("raw", sa.Text(), nullable=True),
        postgresql_partition_by="RANGE (ts)",
    )
    op.create_index(
        "ix_md_trade_exchange_symbol_ts",
        "md_trade",
        ["exchange", "symbol", sa.literal_column("ts DESC"), "source_id", "row_no"],
        unique=True,
    )
    op.create_table(
        "strategy_state",
        sa.Column("exchange", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False, comment="optimistic concurrency: one above the last"),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("mode_reasons", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("params_version", sa.Integer(), nullable=False),
        sa.Column("saved_ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "detail",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("exchange", "symbol", "version", name=op.f("pk_strategy_state")),
    )
    op.create_table(
        "fills_enriched",
        sa.Column("exchange", sa.Text(), nullable=False),
        sa.Column("fill_id", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("side", sa.Text(), nullable=False),
        sa.Column("price", sa.Numeric(), nullable=False),
        sa.Column("size", sa.Numeric(), nullable=False),
        sa.Column("fee", sa.Numeric(), nullable=False),
        sa.Column("mid_at_fill", sa.Numeric(), nullable=True),
        sa.Column("spread_at_fill", sa.Numeric(), nullable=True),
        sa.Column("markout_1s", sa.Numeric(), nullable=True),
        sa.Column("markout_10s", sa.Numeric(), nullable=True),
        sa.Column("markout_60s", sa.Numeric(), nullable=True),
        sa.Column("markout_1s_bps", sa.Numeric(), nullable=True),
        sa.Column("markout_10s_bps", sa.Numeric(), nullable=True),
        sa.Column("markout_60s_bps", sa.Numeric(), nullable=True),
        sa.Column("mode", sa.Text(), nullable=True),
        sa.Column("params_version", sa.Integer(), nullable=True),
        sa.Column(
            "is_complete",
            sa.Boolean(),
            server_default=sa.text("false"),
            nullable=False,
            comment="every horizon has its markout; incomplete rows are revisited on later runs",
        ),
        sa.Column("enriched_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["exchange", "fill_id"],
            ["ex_fill.exchange", "ex_fill.fill_id"],
            name=op.f("fk_fills_enriched_exchange_ex_fill"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("exchange", "fill_id", name=op.f("pk_fills_enriched")),
    )
    op.create_index(
        "ix_fills_enriched_exchange_symbol_ts",
        "fills_enriched",
        ["exchange", "symbol", sa.literal_column("ts DESC")],
        unique=False,
    )
    op.create_table(
        "param_rollout",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("proposal_id", sa.Text(), nullable=True),
        sa.Column("exchange", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.Text(), nullable=False, comment="applied, rejected, rolled_back"),
        sa.Column("from_version", sa.Integer(), nullable=True),
        sa.Column("to_version", sa.Integer(), nullable=True),
        sa.Column("reasons", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False),
        sa.Column(
            "detail",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["llm_proposal.id"], name=op.f("fk_param_rollout_proposal_id_llm_proposal")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_param_rollout")),
    )
    op.create_index(
        "ix_param_rollout_exchange_symbol_ts",
        "param_rollout",
        ["exchange", "symbol", sa.literal_column("ts DESC")],
        unique=False,
    )
    op.create_table(
        "strategy_params",
        sa.Column("exchange", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("params", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("source", sa.Text(), nullable=False, comment="default, manual, proposal, rollback"),
        sa.Column("proposal_id", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["llm_proposal.id"], name=op.f("fk_strategy_params_proposal_id_llm_proposal")
        ),
        sa.PrimaryKeyConstraint("exchange", "symbol", "version", name=op.f("pk_strategy_params")),
    )

    for name in ("agg_1m", "agg_1h"):
        op.create_table(
            name,
            sa.Column("exchange", sa.Text(), nullable=False),
            sa.Column("symbol", sa.Text(), nullable=False),
            sa.Column("bucket_start", sa.DateTime(timezone=True), nullable=False),
            sa.Column("fill_count", sa.Integer(), nullable=False),
            sa.Column("buy_count", sa.Integer(), nullable=False),
            sa.Column("sell_count", sa.Integer(), nullable=False),
            sa.Column("volume", sa.Numeric(), nullable=False, comment="base units"),
            sa.Column("notional", sa.Numeric(), nullable=False, comment="quote units"),
            sa.Column("fees", sa.Numeric(), nullable=False),
            sa.Column("mean_markout_1s_bps", sa.Numeric(), nullable=True),
            sa.Column("mean_markout_10s_bps", sa.Numeric(), nullable=True),
            sa.Column("mean_markout_60s_bps", sa.Numeric(), nullable=True),
            sa.Column("realized_pnl", sa.Numeric(), nullable=True),
            sa.Column("mtm_pnl", sa.Numeric(), nullable=True),
            sa.Column("inventory_min", sa.Numeric(), nullable=True),
            sa.Column("inventory_max", sa.Numeric(), nullable=True),
            sa.Column("pause_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
            sa.Column("time_normal_s", sa.Numeric(), server_default=sa.text("0"), nullable=False),
            sa.Column("time_defensive_s", sa.Numeric(), server_default=sa.text("0"), nullable=False),
            sa.Column("time_pause_s", sa.Numeric(), server_default=sa.text("0"), nullable=False),
            sa.Column(
                "quote_uptime", sa.Numeric(), nullable=True, comment="fraction of the bucket with both quotes live"
            ),
            sa.Column(
                "position_end",
                sa.Numeric(),
                nullable=True,
                comment="inventory after the bucket's fills, from our fills",
            ),
            sa.Column(
                "avg_entry_px_end", sa.Numeric(), nullable=True, comment="average-cost entry price then; NULL when flat"
            ),
            sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
            sa.PrimaryKeyConstraint("exchange", "symbol", "bucket_start", name=op.f(f"pk_{name}")),
        )

    _create_backtest_tables()


def _create_backtest_tables() -> None:
    op.create_table(
        "backtest_run",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("exchange", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("start_ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data_source", sa.Text(), nullable=False, comment="the file prefix or database span replayed"),
        sa.Column("data_sha256", sa.Text(), nullable=False, comment="digest of the replayed columns"),
        sa.Column("rows", sa.BigInteger(), nullable=False, comment="market-data rows replayed"),
        sa.Column("params", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "settings",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=False,
            comment="fill model, latencies, timer, fee, grid, data repairs",
        ),
        sa.Column("summary", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backtest_run")),
    )
    op.create_index(
        "ix_backtest_run_exchange_symbol_created_at",
        "backtest_run",
        ["exchange", "symbol", sa.literal_column("created_at DESC")],
        unique=False,
    )
    op.create_table(
        "backtest_fill",
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("fill_id", sa.Text(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("side", sa.Text(), nullable=False),
        sa.Column("price", sa.Numeric(), nullable=False),
        sa.Column("size", sa.Numeric(), nullable=False),
        sa.Column("fee", sa.Numeric(), nullable=False),
        sa.Column("mode", sa.Text(), nullable=True),
        sa.Column("params_version", sa.Integer(), nullable=True),
        sa.Column("position_after", sa.Numeric(), nullable=False),
        sa.Column("mid_at_fill", sa.Numeric(), nullable=True),
        sa.Column("spread_at_fill", sa.Numeric(), nullable=True),
        sa.Column("markout_1s", sa.Numeric(), nullable=True),
        sa.Column("markout_10s", sa.Numeric(), nullable=True),
        sa.Column("markout_60s", sa.Numeric(), nullable=True),
        sa.Column("markout_1s_bps", sa.Numeric(), nullable=True),
        sa.Column("markout_10s_bps", sa.Numeric(), nullable=True),
        sa.Column("markout_60s_bps", sa.Numeric(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["backtest_run.id"], name=op.f("fk_backtest_fill_run_id_backtest_run"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("run_id", "fill_id", name=op.f("pk_backtest_fill")),
    )
    op.create_table(
        "backtest_mode",
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False, comment="order of the change within the run"),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("reasons", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["backtest_run.id"], name=op.f("fk_backtest_mode_run_id_backtest_run"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("run_id", "seq", name=op.f("pk_backtest_mode")),
    )


def downgrade() -> None:
    op.drop_table("backtest_mode")
    op.drop_table("backtest_fill")
    op.drop_index("ix_backtest_run_exchange_symbol_created_at", table_name="backtest_run")
    op.drop_table("backtest_run")
    op.drop_table("agg_1h")
    op.drop_table("agg_1m")
    op.drop_table("strategy_params")
    op.drop_index("ix_param_rollout_exchange_symbol_ts", table_name="param_rollout")
    op.drop_table("param_rollout")
    op.drop_index("ix_fills_enriched_exchange_symbol_ts", table_name="fills_enriched")
    op.drop_table("fills_enriched")
    op.drop_table("strategy_state")
    op.drop_index("ix_md_trade_exchange_symbol_ts", table_name="md_trade")
    op.drop_table("md_trade")
    op.drop_table("md_source")
    op.drop_index("ix_md_price_exchange_symbol_ts", table_name="md_price")
    op.drop_table("md_price")
    op.drop_table("md_ingest_batch")
    op.drop_index("ix_md_gap_exchange_symbol_from_ts", table_name="md_gap")
    op.drop_table("md_gap")
    op.drop_index("ix_md_bbo_exchange_symbol_ts", table_name="md_bbo")
    op.drop_table("md_bbo")
    op.drop_table("llm_proposal")
    op.drop_table("latest_top")
    op.drop_table("latest_price")
    op.drop_index("ix_ex_position_exchange_symbol_ts", table_name="ex_position")
    op.drop_table("ex_position")
    op.drop_index("ix_ex_order_exchange_symbol_ts", table_name="ex_order")
    op.drop_index("ix_ex_order_client_order_id", table_name="ex_order")
    op.drop_table("ex_order")
    op.drop_index("ix_ex_fill_exchange_symbol_ts", table_name="ex_fill")
    op.drop_table("ex_fill")
    op.drop_index("ix_ex_decision_exchange_symbol_ts", table_name="ex_decision")
    op.drop_table("ex_decision")
