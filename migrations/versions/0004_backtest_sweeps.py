"""backtest sweeps (a sweep's runs, each run's key so an equal run is not computed twice) and md_funding

Adds `backtest_sweep` (one grid or search), `backtest_sweep_run` (which runs a sweep holds, with
their train/test split and search trial), `backtest_run_key` (the digest of a run's data,
params, settings and engine version, unique) and `md_funding` (the venue's funding settlements per
market, charged on the held position by backtests). New tables only: nothing stored is rewritten.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 08:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "backtest_sweep",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.Text(), nullable=False, comment="the grid or the search, as asked"),
        sa.Column(
            "config",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=False,
            comment="grid axes or search objective, data sets, splits",
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backtest_sweep")),
    )
    op.create_table(
        "backtest_sweep_run",
        sa.Column("sweep_id", sa.BigInteger(), nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("split", sa.Text(), nullable=True, comment="train or test when the sweep splits its data by time"),
        sa.Column("trial", sa.Integer(), nullable=True, comment="the search's trial number"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["backtest_run.id"], name=op.f("fk_backtest_sweep_run_run_id_backtest_run"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["sweep_id"],
            ["backtest_sweep.id"],
            name=op.f("fk_backtest_sweep_run_sweep_id_backtest_sweep"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sweep_id", "run_id", name=op.f("pk_backtest_sweep_run")),
    )
    op.create_index("ix_backtest_sweep_run_run_id", "backtest_sweep_run", ["run_id"], unique=False)
    op.create_table(
        "backtest_run_key",
        sa.Column("run_key", sa.Text(), nullable=False, comment="digest of data, params, settings and engine version"),
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["backtest_run.id"], name=op.f("fk_backtest_run_key_run_id_backtest_run"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("run_key", name=op.f("pk_backtest_run_key")),
    )

    op.create_table(
        "md_funding",
        sa.Column("exchange", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "rate", sa.Numeric(), nullable=False, comment="funding rate applied at ts; a long pays rate x notional"
        ),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("exchange", "symbol", "ts", name=op.f("pk_md_funding")),
    )


def downgrade() -> None:
    op.drop_table("md_funding")
    op.drop_table("backtest_run_key")
    op.drop_index("ix_backtest_sweep_run_run_id", table_name="backtest_sweep_run")
    op.drop_table("backtest_sweep_run")
    op.drop_table("backtest_sweep")
