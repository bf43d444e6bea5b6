from __future__ import annotations

import pytest

from tests.contract.market_mid_source.contract import MarketMidSourceContract
from tests.summarizer_support.seeding import SummarizerBackend, in_memory_backend


@pytest.mark.contract
class TestInMemoryMarketMidSource(MarketMidSourceContract):
    @pytest.fixture
    def backend(self) -> SummarizerBackend:
        return in_memory_backend()
