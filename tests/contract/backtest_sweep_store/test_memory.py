from __future__ import annotations

import pytest

from mm.adapters.memory.backtest_run_store import InMemoryBacktestRunStore
from mm.adapters.memory.backtest_sweep_store import InMemoryBacktestSweepStore
from tests.contract.backtest_sweep_store.contract import BacktestSweepStoreContract


@pytest.mark.contract
class TestInMemoryBacktestSweepStore(BacktestSweepStoreContract):
    @pytest.fixture
    def runs(self) -> InMemoryBacktestRunStore:
        return InMemoryBacktestRunStore()

    @pytest.fixture
    def store(self, runs: InMemoryBacktestRunStore) -> InMemoryBacktestSweepStore:
        return InMemoryBacktestSweepStore(runs)
