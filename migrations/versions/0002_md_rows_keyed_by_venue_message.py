"""md_* rows keyed by their venue message, so a message two apps recorded is stored once

Adds `msg_no` to `md_bbo`, `md_trade` and `md_price` and replaces each table's unique index on
(exchange, symbol, ts, source_id, row_no) by one on the venue message: market, exchange time, the
table's own identity columns and `msg_no`. Rows already stored keep `msg_no` NULL (they carry no
venue identity the index could use), so no stored row conflicts. Adding the nullable column is
instant; building the new indexes reads every day partition once.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 19:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_MESSAGE_KEYS = {"md_bbo": (), "md_trade": ("trade_id", "is_replay"), "md_price": ("kind",)}
_MSG_NO_COMMENT = "which of the market's messages in one exchange millisecond (0 first); NULL: no venue identity"


def upgrade() -> None:
    for table, key in _MESSAGE_KEYS.items():
        op.add_column(table, sa.Column("msg_no", sa.Integer(), nullable=True, comment=_MSG_NO_COMMENT))
        op.drop_index(f"ix_{table}_exchange_symbol_ts", table_name=table)
        op.create_index(f"ix_{table}_message", table, ["exchange", "symbol", "ts", *key, "msg_no"], unique=True)


def downgrade() -> None:
    for table in _MESSAGE_KEYS:
        op.drop_index(f"ix_{table}_message", table_name=table)
        op.create_index(
            f"ix_{table}_exchange_symbol_ts",
            table,
            ["exchange", "symbol", sa.literal_column("ts DESC"), "source_id", "row_no"],
            unique=True,
        )
        op.drop_column(table, "msg_no")
