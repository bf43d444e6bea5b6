"""live PnL attribution: spread capture, inventory PnL and funding columns on agg_1m and agg_1h

The summarizer splits each bucket's PnL as the backtest's attribution does (fees are the existing
`fees` column). Nullable columns only: rows written before stay valid and are filled when recomputed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 10:15:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TABLES = ("agg_1m", "agg_1h")
_COLUMNS = (
    ("spread_capture", "fills against the mid at each fill"),
    ("inventory_pnl", "held position times the mid's moves"),
    ("funding_pnl", "funding settled on the held position; + received"),
)


def upgrade() -> None:
    for table in _TABLES:
        for name, comment in _COLUMNS:
            op.add_column(table, sa.Column(name, sa.Numeric(), nullable=True, comment=comment))


def downgrade() -> None:
    for table in _TABLES:
        for name, _ in reversed(_COLUMNS):
            op.drop_column(table, name)
