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
    def stores(self, db_engine: AsyncEngine) -> Stores:
        return Stores(PostgresParamRolloutStore(db_engine), PostgresParamProposalStore(db_engine))
