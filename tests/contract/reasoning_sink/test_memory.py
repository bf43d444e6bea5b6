from __future__ import annotations

import pytest

from mm.adapters.memory.reasoning_sink import InMemoryReasoningSink
from tests.contract.reasoning_sink.contract import ReasoningSinkContract
from tests.reflection_data import reasoning_record


@pytest.mark.contract
class TestInMemoryReasoningSink(ReasoningSinkContract):
    @pytest.fixture
    def sink(self) -> InMemoryReasoningSink:
        return InMemoryReasoningSink()

    @pytest.fixture
    def failing_sink(self) -> InMemoryReasoningSink:
        return InMemoryReasoningSink(fails=True)

    async def test_a_failed_write_leaves_nothing_behind(self, failing_sink: InMemoryReasoningSink) -> None:
        with pytest.raises(Exception, match="set to fail"):
            await failing_sink.write(reasoning_record())
        assert failing_sink.files == {}
