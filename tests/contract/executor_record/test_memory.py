from __future__ import annotations

import pytest

from mm.adapters.memory.executor_record import InMemoryExecutorRecord
from mm.adapters.memory.trading_journal import InMemoryTradingJournal
from tests.contract.executor_record.contract import EXCHANGE, ExecutorRecordContract, Recorded


@pytest.mark.contract
class TestInMemoryExecutorRecord(ExecutorRecordContract):
    @pytest.fixture
    def recorded(self) -> Recorded:
        journal = InMemoryTradingJournal()
        return Recorded(journal, InMemoryExecutorRecord(journal, EXCHANGE))
