"""The parameter loop: versioned parameter sets, the reflector's proposals and the executor's rollout audit."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from mm.adapters.postgres.tables.schema import created_now, metadata, timestamp

strategy_params = Table(
    "strategy_params",
    metadata,
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("params", JSONB, nullable=False),
    Column("source", Text, nullable=False, comment="default, manual, proposal, rollback"),
    Column("proposal_id", Text, ForeignKey("llm_proposal.id"), nullable=True),
    created_now("created_at"),
    PrimaryKeyConstraint("exchange", "symbol", "version"),
)


llm_proposal = Table(
    "llm_proposal",
    metadata,
    Column("id", Text, primary_key=True),
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    timestamp("input_window_start"),
    timestamp("input_window_end"),
    Column("status", Text, nullable=False, comment="proposed, applied, rejected, rolled_back"),
    Column("model", Text, nullable=False),
    Column("base_params_version", Integer, nullable=True),
    Column("changes", JSONB, nullable=False),
    Column("rollback_conditions", JSONB, nullable=False),
    Column("rationale", Text, nullable=False),
    Column("reasoning_path", Text, nullable=False),
    Column("reasoning_sha256", Text, nullable=False),
    Column(
        "reasoning_document",
        LargeBinary,
        nullable=True,
        comment="the reasoning file's exact bytes (sha256 = reasoning_sha256); NULL in rows stored before it was kept",
    ),
    created_now("created_at"),
    created_now("updated_at"),
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
    timestamp("ts"),
    Column("action", Text, nullable=False, comment="applied, rejected, rolled_back"),
    Column("from_version", Integer, nullable=True),
    Column("to_version", Integer, nullable=True),
    Column("reasons", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("detail", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("shadow_current", JSONB, nullable=True, comment="shadow backtest of the params in force, when one ran"),
    Column("shadow_proposed", JSONB, nullable=True, comment="shadow backtest of the proposed params, when one ran"),
    Index("ix_param_rollout_exchange_symbol_ts", "exchange", "symbol", text("ts DESC")),
)

reflection_outcome = Table(
    "reflection_outcome",
    metadata,
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    timestamp("window_start"),
    timestamp("window_end"),
    Column("outcome", Text, nullable=False, comment="proposed, no_change, rejected, too_little_evidence"),
    Column("proposal_id", Text, ForeignKey("llm_proposal.id"), nullable=True),
    Column("reasons", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    timestamp("decided_at"),
    # Each window is decided once: a decided window never goes to the model again.
    PrimaryKeyConstraint("exchange", "symbol", "window_start", "window_end"),
)
