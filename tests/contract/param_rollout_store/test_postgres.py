from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.param_proposal_store import PostgresParamProposalStore
from mm.adapters.postgres.param_rollout_store import PostgresParamRolloutStore
from tests.contract.param_rollout_store.contract import ParamRolloutStoreContract, Stores


@pytest.mark.contract
@pytest.mark.integration
class TestPostgresParamRolloutStore(ParamRolloutStoreContract):
    @pytest.fixture
    def stores(self, shared_db_engine: AsyncEngine) -> Stores:
        return Stores(PostgresParamRolloutStore(shared_db_engine), PostgresParamProposalStore(shared_db_engine))
