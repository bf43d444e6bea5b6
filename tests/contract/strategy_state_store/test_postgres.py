from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.strategy_state_store import PostgresStrategyStateStore
from tests.contract.strategy_state_store.contract import StrategyStateStoreContract


@pytest.mark.contract
@pytest.mark.integration
class TestPostgresStrategyStateStore(StrategyStateStoreContract):
    @pytest.fixture
    def store(self, shared_db_engine: AsyncEngine) -> PostgresStrategyStateStore:
        return PostgresStrategyStateStore(shared_db_engine)
