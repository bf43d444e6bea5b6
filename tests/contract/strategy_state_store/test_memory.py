from __future__ import annotations

import pytest

from mm.adapters.memory.strategy_state_store import InMemoryStrategyStateStore
from tests.contract.strategy_state_store.contract import StrategyStateStoreContract


@pytest.mark.contract
class TestInMemoryStrategyStateStore(StrategyStateStoreContract):
    @pytest.fixture
    def store(self) -> InMemoryStrategyStateStore:
        return InMemoryStrategyStateStore()
