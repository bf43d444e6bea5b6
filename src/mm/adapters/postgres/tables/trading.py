"""The executor's record: order events, fills, positions, decisions (`ex_*`) and its recoverable state."""

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
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from mm.adapters.postgres.tables.schema import metadata, timestamp

ex_order = Table(
    "ex_order",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    timestamp("ts"),
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
    timestamp("ts"),
    timestamp("recv_ts", nullable=True),
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
    timestamp("ts"),
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
    timestamp("ts"),
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


strategy_state = Table(
    "strategy_state",
    metadata,
    Column("exchange", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    Column("version", BigInteger, nullable=False, comment="optimistic concurrency: one above the last"),
    Column("mode", Text, nullable=False),
    Column("mode_reasons", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("params_version", Integer, nullable=False),
    timestamp("saved_ts"),
    Column("detail", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    PrimaryKeyConstraint("exchange", "symbol", "version"),
)
