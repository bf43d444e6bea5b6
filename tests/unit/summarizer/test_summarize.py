"""The summarizer job on the in-memory adapters (the Postgres run is in tests/integration/summarizer)."""

from __future__ import annotations

import pytest

from tests.summarizer_support.seeding import SummarizerBackend, in_memory_backend
from tests.summarizer_support.summarizer_behaviour import SummarizerBehaviour


class TestSummarizerInMemory(SummarizerBehaviour):
    @pytest.fixture
    def backend(self) -> SummarizerBackend:
        return in_memory_backend()
