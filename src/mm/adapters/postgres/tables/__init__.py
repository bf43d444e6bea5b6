"""The schema: SQLAlchemy Core tables, the single source of truth alembic migrations are checked against.

One module per concept (market data, the ingest ledger, trading, the parameter loop, summaries,
backtests); every table registers in the one `metadata` of `schema.py`, re-exported here with the
tables, so `mm.adapters.postgres.tables.metadata` is the whole schema.
"""

from __future__ import annotations

from mm.adapters.postgres.tables.backtest import (
    backtest_fill,
    backtest_mode,
    backtest_run,
    backtest_run_key,
    backtest_sweep,
    backtest_sweep_run,
)
from mm.adapters.postgres.tables.ingest_ledger import md_ingest_batch
from mm.adapters.postgres.tables.learning import llm_proposal, param_rollout, reflection_outcome, strategy_params
from mm.adapters.postgres.tables.market_data import (
    PARTITIONED_TABLES,
    latest_price,
    latest_top,
    md_bbo,
    md_funding,
    md_gap,
    md_price,
    md_source,
    md_trade,
)
from mm.adapters.postgres.tables.schema import metadata
from mm.adapters.postgres.tables.summary import agg_1h, agg_1m, fills_enriched
from mm.adapters.postgres.tables.trading import ex_decision, ex_fill, ex_order, ex_position, strategy_state

__all__ = [
    "PARTITIONED_TABLES",
    "agg_1h",
    "agg_1m",
    "backtest_fill",
    "backtest_mode",
    "backtest_run",
    "backtest_run_key",
    "backtest_sweep",
    "backtest_sweep_run",
    "ex_decision",
    "ex_fill",
    "ex_order",
    "ex_position",
    "fills_enriched",
    "latest_price",
    "latest_top",
    "llm_proposal",
    "md_bbo",
    "md_funding",
    "md_gap",
    "md_ingest_batch",
    "md_price",
    "md_source",
    "md_trade",
    "metadata",
    "param_rollout",
    "reflection_outcome",
    "strategy_params",
    "strategy_state",
]
