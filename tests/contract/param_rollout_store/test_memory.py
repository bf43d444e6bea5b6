from __future__ import annotations

import pytest

from mm.adapters.memory.param_rollout_store import InMemoryParamRolloutStore
from tests.contract.param_rollout_store.contract import ParamRolloutStoreContract, Stores


@pytest.mark.contract
class TestInMemoryParamRolloutStore(ParamRolloutStoreContract):
    @pytest.fixture
    def stores(self) -> Stores:
        rollouts = InMemoryParamRolloutStore()
        return Stores(rollouts, rollouts.proposals)
