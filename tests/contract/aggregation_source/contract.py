"""What every `AggregationSource` must do, whatever stores the aggregates."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Sequence
from decimal import Decimal
from typing import Protocol

import pytest

from mm.domain.mode import Mode
from mm.domain.reflection_input import HourlyAggregate, WorstFill
from mm.domain.reflection_window import HOUR_MS, ReflectionWindow
from mm.domain.side import Side
from mm.ports.aggregation_source import AggregationSource

HOUR_0_MS = 1_767_225_600_000  # 2026-01-01T00:00Z
WINDOW = ReflectionWindow(HOUR_0_MS, HOUR_0_MS + 2 * HOUR_MS)

MINUTE_MS = 60_000


class SeedSource(Protocol):
    """(symbol, hourly aggregates, fills, minute aggregates) -> a source holding exactly those rows for
    ("extended", symbol)."""

    def __call__(
        self,
        symbol: str,
        aggregates: Sequence[HourlyAggregate],
        fills: Sequence[WorstFill],
        minute_aggregates: Sequence[HourlyAggregate] = (),
    ) -> Awaitable[AggregationSource]: ...


def aggregate(bucket_start_ms: int, fill_count: int = 4, **overrides: object) -> HourlyAggregate:
    values: dict[str, object] = {
        "bucket_start_ms": bucket_start_ms,
        "fill_count": fill_count,
        "buy_count": fill_count // 2,
        "sell_count": fill_count - fill_count // 2,
        "volume": Decimal("0.004"),
        "notional": Decimal("400.12"),
        "fees": Decimal("-0.04"),
        "mean_markout_1s_bps": Decimal("-0.5"),
        "mean_markout_10s_bps": Decimal("-1.25"),
        "mean_markout_60s_bps": None,
        "realized_pnl": Decimal("0.3"),
        "mtm_pnl": None,
        "inventory_min": Decimal("-0.002"),
        "inventory_max": Decimal("0.001"),
        "pause_count": 1,
        "time_normal_s": Decimal("3000"),
        "time_defensive_s": Decimal("500"),
        "time_pause_s": Decimal("100"),
        "quote_uptime": Decimal("0.93"),
    }
    values.update(overrides)
    return HourlyAggregate(**values)  # type: ignore[arg-type]


def fill(fill_id: str, ts_ms: int, markout_10s_bps: str, **overrides: object) -> WorstFill:
    values: dict[str, object] = {
        "fill_id": fill_id,
        "ts_ms": ts_ms,
        "side": Side.BUY,
        "price": Decimal("100000.5"),
        "size": Decimal("0.001"),
        "markout_1s_bps": Decimal("-0.1"),
        "markout_10s_bps": Decimal(markout_10s_bps),
        "markout_60s_bps": None,
        "mode": Mode.NORMAL,
        "params_version": 3,
    }
    values.update(overrides)
    return WorstFill(**values)  # type: ignore[arg-type]


class AggregationSourceContract:
    """Subclasses provide a `seed_source` fixture (see `SeedSource`)."""

    @pytest.fixture
    def symbol(self) -> str:
        return f"T{uuid.uuid4().hex[:8]}-USD"

    async def test_aggregates_inside_the_window_come_back_oldest_first(
        self, seed_source: SeedSource, symbol: str
    ) -> None:
        second, first = aggregate(HOUR_0_MS + HOUR_MS), aggregate(HOUR_0_MS)
        source = await seed_source(symbol, [second, first], [])
        assert await source.hourly_aggregates("extended", symbol, WINDOW) == [first, second]

    async def test_aggregates_outside_the_window_are_left_out(self, seed_source: SeedSource, symbol: str) -> None:
        inside = aggregate(HOUR_0_MS)
        outside = [aggregate(HOUR_0_MS - HOUR_MS), aggregate(WINDOW.end_ms)]
        source = await seed_source(symbol, [*outside, inside], [])
        assert await source.hourly_aggregates("extended", symbol, WINDOW) == [inside]

    async def test_an_aggregate_with_every_optional_number_missing_reads_back_equal(
        self, seed_source: SeedSource, symbol: str
    ) -> None:
        empty = aggregate(
            HOUR_0_MS,
            fill_count=0,
            mean_markout_1s_bps=None,
            mean_markout_10s_bps=None,
            realized_pnl=None,
            inventory_min=None,
            inventory_max=None,
            quote_uptime=None,
        )
        source = await seed_source(symbol, [empty], [])
        assert await source.hourly_aggregates("extended", symbol, WINDOW) == [empty]

    async def test_another_markets_aggregates_are_not_returned(self, seed_source: SeedSource, symbol: str) -> None:
        source = await seed_source(symbol, [aggregate(HOUR_0_MS)], [])
        assert await source.hourly_aggregates("extended", symbol + "X", WINDOW) == []

    async def test_minute_aggregates_inside_the_window_come_back_oldest_first(
        self, seed_source: SeedSource, symbol: str
    ) -> None:
        second, first = aggregate(HOUR_0_MS + MINUTE_MS), aggregate(HOUR_0_MS)
        source = await seed_source(symbol, [], [], [second, first])
        assert await source.minute_aggregates("extended", symbol, WINDOW) == [first, second]

    async def test_minute_aggregates_outside_the_window_are_left_out(
        self, seed_source: SeedSource, symbol: str
    ) -> None:
        inside = aggregate(WINDOW.end_ms - MINUTE_MS)
        outside = [aggregate(HOUR_0_MS - MINUTE_MS), aggregate(WINDOW.end_ms)]
        source = await seed_source(symbol, [], [], [*outside, inside])
        assert await source.minute_aggregates("extended", symbol, WINDOW) == [inside]

    async def test_minute_and_hourly_aggregates_are_kept_apart(self, seed_source: SeedSource, symbol: str) -> None:
        hourly, minute = aggregate(HOUR_0_MS, fill_count=40), aggregate(HOUR_0_MS, fill_count=2)
        source = await seed_source(symbol, [hourly], [], [minute])
        assert (
            await source.hourly_aggregates("extended", symbol, WINDOW),
            await source.minute_aggregates("extended", symbol, WINDOW),
        ) == ([hourly], [minute])

    async def test_worst_fills_come_back_lowest_10s_markout_first_up_to_the_limit(
        self, seed_source: SeedSource, symbol: str
    ) -> None:
        fills = [fill(f"f{i}", HOUR_0_MS + i * 1000, markout) for i, markout in enumerate(["1", "-7.5", "-2", "0"])]
        source = await seed_source(symbol, [], fills)
        worst = await source.worst_fills("extended", symbol, WINDOW, limit=2)
        assert [f.fill_id for f in worst] == ["f1", "f2"]

    async def test_worst_fills_outside_the_window_are_left_out(self, seed_source: SeedSource, symbol: str) -> None:
        fills = [fill("before", HOUR_0_MS - 1, "-50"), fill("in", HOUR_0_MS, "-1"), fill("end", WINDOW.end_ms, "-50")]
        source = await seed_source(symbol, [], fills)
        assert [f.fill_id for f in await source.worst_fills("extended", symbol, WINDOW, limit=10)] == ["in"]

    async def test_equally_bad_fills_are_ordered_earliest_first(self, seed_source: SeedSource, symbol: str) -> None:
        fills = [fill("late", HOUR_0_MS + 5000, "-3"), fill("early", HOUR_0_MS + 1000, "-3")]
        source = await seed_source(symbol, [], fills)
        assert [f.fill_id for f in await source.worst_fills("extended", symbol, WINDOW, limit=10)] == ["early", "late"]

    async def test_a_worst_fill_reads_back_equal(self, seed_source: SeedSource, symbol: str) -> None:
        stored = fill("f1", HOUR_0_MS + 123, "-4.25", side=Side.SELL, mode=None, params_version=None)
        source = await seed_source(symbol, [], [stored])
        assert await source.worst_fills("extended", symbol, WINDOW, limit=1) == [stored]

    async def test_another_markets_fills_are_not_returned(self, seed_source: SeedSource, symbol: str) -> None:
        source = await seed_source(symbol, [], [fill("f1", HOUR_0_MS, "-1")])
        assert await source.worst_fills("extended", symbol + "X", WINDOW, limit=10) == []
