from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.param_proposal_store import PostgresParamProposalStore
from tests.contract.param_proposal_store.contract import ParamProposalStoreContract


@pytest.mark.contract
@pytest.mark.integration
class TestPostgresParamProposalStore(ParamProposalStoreContract):
    @pytest.fixture
    def store(self, shared_db_engine: AsyncEngine) -> PostgresParamProposalStore:
        return PostgresParamProposalStore(shared_db_engine)
