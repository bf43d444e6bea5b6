from __future__ import annotations

import pytest

from tests.contract.trading_history.contract import TradingHistoryContract
from tests.summarizer_support.seeding import SummarizerBackend, in_memory_backend


@pytest.mark.contract
class TestInMemoryTradingHistory(TradingHistoryContract):
    @pytest.fixture
    def backend(self) -> SummarizerBackend:
        return in_memory_backend()
