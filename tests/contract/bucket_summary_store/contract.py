"""What every `BucketSummaryStore` must do: upsert by (market, width, bucket start), read back by window."""

from __future__ import annotations

import uuid
from dataclasses import replace
from decimal import Decimal

import pytest

from mm.domain.bucket_summary import BucketSummary
from mm.domain.bucket_width import BucketWidth
from mm.ports.bucket_summary_store import BucketSummaryStore

T0 = 1_699_999_980_000  # a minute boundary
SYMBOL = "BTC-USD"


def summary(exchange: str, start_ms: int, width: BucketWidth = BucketWidth.MINUTE, **changes: object) -> BucketSummary:
    base = BucketSummary(
        exchange=exchange,
        symbol=SYMBOL,
        width=width,
        bucket_start_ms=start_ms,
        fill_count=3,
        buy_count=1,
        sell_count=2,
        volume=Decimal("4"),
        notional=Decimal("403"),
        fees=Decimal("0.02"),
        mean_markout_1s_bps=Decimal("-48.039216"),
        mean_markout_10s_bps=Decimal("400"),
        mean_markout_60s_bps=None,
        realized_pnl=Decimal("3"),
        mtm_pnl=Decimal("3"),
        inventory_min=Decimal("0"),
        inventory_max=Decimal("2"),
        pause_count=1,
        time_normal_s=Decimal("30"),
        time_defensive_s=Decimal("20"),
        time_pause_s=Decimal("10"),
        quote_uptime=Decimal("0.833333"),
        position_end=Decimal("1.5"),
        avg_entry_px_end=Decimal("100.25"),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


class BucketSummaryStoreContract:
    """Subclasses provide a `summaries` fixture (`BucketSummaryStore`)."""

    @pytest.fixture
    def exchange(self) -> str:
        return f"x{uuid.uuid4().hex[:10]}"

    async def test_an_upserted_summary_reads_back_equal(self, summaries: BucketSummaryStore, exchange: str) -> None:
        stored = summary(exchange, T0)
        await summaries.upsert([stored])
        assert await summaries.summaries_between(exchange, SYMBOL, BucketWidth.MINUTE, T0, T0 + 1) == [stored]

    async def test_a_flat_summary_reads_back_without_entry_price(
        self, summaries: BucketSummaryStore, exchange: str
    ) -> None:
        stored = summary(exchange, T0, position_end=Decimal(0), avg_entry_px_end=None, mtm_pnl=None)
        await summaries.upsert([stored])
        assert await summaries.latest(exchange, SYMBOL, BucketWidth.MINUTE) == stored

    async def test_upserting_the_same_bucket_again_replaces_it(
        self, summaries: BucketSummaryStore, exchange: str
    ) -> None:
        await summaries.upsert([summary(exchange, T0)])
        await summaries.upsert([summary(exchange, T0, fill_count=4)])
        found = await summaries.summaries_between(exchange, SYMBOL, BucketWidth.MINUTE, T0, T0 + 1)
        assert [s.fill_count for s in found] == [4]

    async def test_minute_and_hour_summaries_are_kept_apart(self, summaries: BucketSummaryStore, exchange: str) -> None:
        hour = summary(exchange, T0, BucketWidth.HOUR, fill_count=9)
        await summaries.upsert([summary(exchange, T0), hour])
        assert await summaries.summaries_between(exchange, SYMBOL, BucketWidth.HOUR, T0, T0 + 1) == [hour]

    async def test_summaries_between_returns_buckets_starting_in_the_window_oldest_first(
        self, summaries: BucketSummaryStore, exchange: str
    ) -> None:
        await summaries.upsert([summary(exchange, T0 + n * 60_000) for n in (2, 0, 1, 3)])
        found = await summaries.summaries_between(exchange, SYMBOL, BucketWidth.MINUTE, T0, T0 + 180_000)
        assert [s.bucket_start_ms for s in found] == [T0, T0 + 60_000, T0 + 120_000]

    async def test_latest_is_the_newest_bucket(self, summaries: BucketSummaryStore, exchange: str) -> None:
        await summaries.upsert([summary(exchange, T0 + n * 60_000) for n in (0, 2, 1)])
        latest = await summaries.latest(exchange, SYMBOL, BucketWidth.MINUTE)
        assert latest is not None
        assert latest.bucket_start_ms == T0 + 120_000

    async def test_latest_before_a_time_is_the_newest_bucket_starting_before_it(
        self, summaries: BucketSummaryStore, exchange: str
    ) -> None:
        await summaries.upsert([summary(exchange, T0 + n * 60_000) for n in (0, 1, 2)])
        latest = await summaries.latest(exchange, SYMBOL, BucketWidth.MINUTE, before_ms=T0 + 120_000)
        assert latest is not None
        assert latest.bucket_start_ms == T0 + 60_000

    async def test_latest_is_none_without_summaries(self, summaries: BucketSummaryStore, exchange: str) -> None:
        assert await summaries.latest(exchange, SYMBOL, BucketWidth.HOUR) is None
