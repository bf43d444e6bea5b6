from __future__ import annotations

import pytest

from tests.contract.fill_enrichment_store.contract import FillEnrichmentStoreContract
from tests.summarizer_support.seeding import SummarizerBackend, in_memory_backend


@pytest.mark.contract
class TestInMemoryFillEnrichmentStore(FillEnrichmentStoreContract):
    @pytest.fixture
    def backend(self) -> SummarizerBackend:
        return in_memory_backend()
