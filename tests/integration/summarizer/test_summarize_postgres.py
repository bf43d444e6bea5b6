"""The summarizer job on Postgres, with the same hand-computed expectations as in memory."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.summarizer_support.seeding import SummarizerBackend, postgres_backend
from tests.summarizer_support.summarizer_behaviour import SummarizerBehaviour


@pytest.mark.integration
class TestSummarizerOnPostgres(SummarizerBehaviour):
    @pytest.fixture
    def backend(self, shared_db_engine: AsyncEngine) -> SummarizerBackend:
        return postgres_backend(shared_db_engine)
