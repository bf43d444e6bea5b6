from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.contract.trading_history.contract import TradingHistoryContract
from tests.summarizer_support.seeding import SummarizerBackend, postgres_backend


@pytest.mark.contract
@pytest.mark.integration
class TestPostgresTradingHistory(TradingHistoryContract):
    @pytest.fixture
    def backend(self, shared_db_engine: AsyncEngine) -> SummarizerBackend:
        return postgres_backend(shared_db_engine)
