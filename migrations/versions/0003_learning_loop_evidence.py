"""The learning loop's evidence: decided reflection windows, reasoning documents, shadow backtests

Adds `reflection_outcome` (one row per market and reflection window: proposed, no_change, rejected or
too_little_evidence, so a decided window never goes to the model again), `llm_proposal.reasoning_document`
(the reasoning file's bytes, so the executor verifies a proposal without the reflector's disk) and
`param_rollout.shadow_current` / `shadow_proposed` (the shadow backtest's figures of both params).
All columns are nullable: adding them is instant and rows already stored stay valid.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 08:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reflection_outcome",
        sa.Column("exchange", sa.Text(), nullable=False),
        sa.Column("symbol", sa.Text(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False, comment="proposed, no_change, rejected, too_little_evidence"),
        sa.Column("proposal_id", sa.Text(), nullable=True),
        sa.Column("reasons", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["llm_proposal.id"], name=op.f("fk_reflection_outcome_proposal_id_llm_proposal")
        ),
        sa.PrimaryKeyConstraint("exchange", "symbol", "window_start", "window_end", name=op.f("pk_reflection_outcome")),
    )
    op.add_column(
        "llm_proposal",
        sa.Column(
            "reasoning_document",
            sa.LargeBinary(),
            nullable=True,
            comment="the reasoning file's exact bytes (sha256 = reasoning_sha256); NULL in rows stored before it was kept",
        ),
    )
    op.add_column(
        "param_rollout",
        sa.Column(
            "shadow_current",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="shadow backtest of the params in force, when one ran",
        ),
    )
    op.add_column(
        "param_rollout",
        sa.Column(
            "shadow_proposed",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="shadow backtest of the proposed params, when one ran",
        ),
    )


def downgrade() -> None:
    op.drop_column("param_rollout", "shadow_proposed")
    op.drop_column("param_rollout", "shadow_current")
    op.drop_column("llm_proposal", "reasoning_document")
    op.drop_table("reflection_outcome")
