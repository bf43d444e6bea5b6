from __future__ import annotations

from collections.abc import Sequence

import pytest

from mm.adapters.memory.aggregation_source import InMemoryAggregationSource
from mm.domain.bucket_width import BucketWidth
from mm.domain.reflection_input import HourlyAggregate, WorstFill
from mm.ports.aggregation_source import AggregationSource
from tests.contract.aggregation_source.contract import AggregationSourceContract, SeedSource


@pytest.mark.contract
class TestInMemoryAggregationSource(AggregationSourceContract):
    @pytest.fixture
    def seed_source(self) -> SeedSource:
        async def seed(
            symbol: str,
            aggregates: Sequence[HourlyAggregate],
            fills: Sequence[WorstFill],
            minute_aggregates: Sequence[HourlyAggregate] = (),
        ) -> AggregationSource:
            source = InMemoryAggregationSource()
            for aggregate in aggregates:
                source.add_aggregate("extended", symbol, aggregate)
            for aggregate in minute_aggregates:
                source.add_aggregate("extended", symbol, aggregate, BucketWidth.MINUTE)
            for fill in fills:
                source.add_fill("extended", symbol, fill)
            return source

        return seed
