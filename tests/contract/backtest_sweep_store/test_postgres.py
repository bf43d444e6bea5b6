from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.backtest_run_store import PostgresBacktestRunStore
from mm.adapters.postgres.backtest_sweep_store import PostgresBacktestSweepStore
from tests.contract.backtest_sweep_store.contract import BacktestSweepStoreContract


@pytest.mark.contract
@pytest.mark.integration
class TestPostgresBacktestSweepStore(BacktestSweepStoreContract):
    @pytest.fixture
    def runs(self, shared_db_engine: AsyncEngine) -> PostgresBacktestRunStore:
        return PostgresBacktestRunStore(shared_db_engine)

    @pytest.fixture
    def store(self, shared_db_engine: AsyncEngine) -> PostgresBacktestSweepStore:
        return PostgresBacktestSweepStore(shared_db_engine)
