from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.backtest_run_store import PostgresBacktestRunStore
from tests.contract.backtest_run_store.contract import BacktestRunStoreContract


@pytest.mark.contract
@pytest.mark.integration
class TestPostgresBacktestRunStore(BacktestRunStoreContract):
    @pytest.fixture
    def store(self, shared_db_engine: AsyncEngine) -> PostgresBacktestRunStore:
        return PostgresBacktestRunStore(shared_db_engine)
