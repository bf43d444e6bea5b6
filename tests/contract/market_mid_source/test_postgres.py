from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.contract.market_mid_source.contract import MarketMidSourceContract
from tests.summarizer_support.seeding import SummarizerBackend, postgres_backend


@pytest.mark.contract
@pytest.mark.integration
class TestPostgresMarketMidSource(MarketMidSourceContract):
    @pytest.fixture
    def backend(self, shared_db_engine: AsyncEngine) -> SummarizerBackend:
        return postgres_backend(shared_db_engine)
