from __future__ import annotations

import pytest

from mm.adapters.memory.bucket_summary_store import InMemoryBucketSummaryStore
from tests.contract.bucket_summary_store.contract import BucketSummaryStoreContract


@pytest.mark.contract
class TestInMemoryBucketSummaryStore(BucketSummaryStoreContract):
    @pytest.fixture
    def summaries(self) -> InMemoryBucketSummaryStore:
        return InMemoryBucketSummaryStore()
