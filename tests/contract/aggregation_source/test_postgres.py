from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.epoch_ms import to_datetime
from mm.adapters.postgres.summary.aggregation_source import PostgresAggregationSource
from mm.adapters.postgres.tables import agg_1h, agg_1m, ex_fill, fills_enriched
from mm.domain.reflection_input import HourlyAggregate, WorstFill
from mm.ports.aggregation_source import AggregationSource
from tests.contract.aggregation_source.contract import HOUR_0_MS, WINDOW, AggregationSourceContract, SeedSource, fill


def _aggregate_row(symbol: str, aggregate: HourlyAggregate) -> dict[str, Any]:
    row = asdict(aggregate)
    row["bucket_start"] = to_datetime(row.pop("bucket_start_ms"))
    return {"exchange": "extended", "symbol": symbol, **row}


def _fill_rows(symbol: str, fill: WorstFill, *, markout_10s_bps: object) -> tuple[dict[str, Any], dict[str, Any]]:
    common = {
        "exchange": "extended",
        "fill_id": fill.fill_id,
        "symbol": symbol,
        "ts": to_datetime(fill.ts_ms),
        "side": fill.side.value,
        "price": fill.price,
        "size": fill.size,
        "fee": 0,
    }
    enriched = {
        **common,
        "markout_1s_bps": fill.markout_1s_bps,
        "markout_10s_bps": markout_10s_bps,
        "markout_60s_bps": fill.markout_60s_bps,
        "mode": fill.mode.value if fill.mode else None,
        "params_version": fill.params_version,
    }
    return {**common, "is_taker": False}, enriched


async def _insert(
    engine: AsyncEngine,
    symbol: str,
    aggregates: Sequence[HourlyAggregate],
    fills: Sequence[tuple[WorstFill, object]],
    minute_aggregates: Sequence[HourlyAggregate] = (),
) -> None:
    async with engine.begin() as conn:
        if aggregates:
            await conn.execute(insert(agg_1h), [_aggregate_row(symbol, a) for a in aggregates])
        if minute_aggregates:
            await conn.execute(insert(agg_1m), [_aggregate_row(symbol, a) for a in minute_aggregates])
        for worst, markout in fills:
            raw, enriched = _fill_rows(symbol, worst, markout_10s_bps=markout)
            await conn.execute(insert(ex_fill).values(raw))
            await conn.execute(insert(fills_enriched).values(enriched))


@pytest.mark.contract
@pytest.mark.integration
class TestPostgresAggregationSource(AggregationSourceContract):
    @pytest.fixture
    def seed_source(self, db_engine: AsyncEngine) -> SeedSource:
        async def seed(
            symbol: str,
            aggregates: Sequence[HourlyAggregate],
            fills: Sequence[WorstFill],
            minute_aggregates: Sequence[HourlyAggregate] = (),
        ) -> AggregationSource:
            await _insert(db_engine, symbol, aggregates, [(f, f.markout_10s_bps) for f in fills], minute_aggregates)
            return PostgresAggregationSource(db_engine)

        return seed

    async def test_fills_whose_10s_markout_is_not_known_yet_are_left_out(self, db_engine: AsyncEngine) -> None:
        known, pending = fill("known", HOUR_0_MS, "5"), fill("pending", HOUR_0_MS + 1, "0")
        await _insert(db_engine, "BTC-USD", [], [(known, known.markout_10s_bps), (pending, None)])
        worst = await PostgresAggregationSource(db_engine).worst_fills("extended", "BTC-USD", WINDOW, limit=10)
        assert [f.fill_id for f in worst] == ["known"]
