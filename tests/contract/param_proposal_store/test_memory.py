from __future__ import annotations

import pytest

from mm.adapters.memory.param_proposal_store import InMemoryParamProposalStore
from tests.contract.param_proposal_store.contract import ParamProposalStoreContract


@pytest.mark.contract
class TestInMemoryParamProposalStore(ParamProposalStoreContract):
    @pytest.fixture
    def store(self) -> InMemoryParamProposalStore:
        return InMemoryParamProposalStore()
