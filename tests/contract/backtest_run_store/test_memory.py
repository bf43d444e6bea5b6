from __future__ import annotations

import pytest

from mm.adapters.memory.backtest_run_store import InMemoryBacktestRunStore
from tests.contract.backtest_run_store.contract import BacktestRunStoreContract


@pytest.mark.contract
class TestInMemoryBacktestRunStore(BacktestRunStoreContract):
    @pytest.fixture
    def store(self) -> InMemoryBacktestRunStore:
        return InMemoryBacktestRunStore()
