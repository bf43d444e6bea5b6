from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.summary.bucket_summary_store import PostgresBucketSummaryStore
from tests.contract.bucket_summary_store.contract import BucketSummaryStoreContract


@pytest.mark.contract
@pytest.mark.integration
class TestPostgresBucketSummaryStore(BucketSummaryStoreContract):
    @pytest.fixture
    def summaries(self, shared_db_engine: AsyncEngine) -> PostgresBucketSummaryStore:
        return PostgresBucketSummaryStore(shared_db_engine)
