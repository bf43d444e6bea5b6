"""What every `BucketSummaryStore` must do: upsert by (market, width, bucket start), read back by window.

The summarizer writes through it, and the reflector (hours) and the rollback watch (minutes) read
through it, so both sides of the table are in this one contract.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from mm.domain.bucket_summary import BucketSummary
from mm.domain.bucket_width import BucketWidth
from mm.ports.bucket_summary_store import BucketSummaryStore
from tests.unique_keys import a_symbol

T0 = 1_767_225_600_000  # 2026-01-01T00:00Z: a minute and an hour boundary
EXCHANGE = "extended"
WIDTHS = pytest.mark.parametrize("width", list(BucketWidth), ids=[width.value for width in BucketWidth])


def summary(symbol: str, start_ms: int, width: BucketWidth = BucketWidth.MINUTE, **changes: object) -> BucketSummary:
    base = BucketSummary(
        exchange=EXCHANGE,
        symbol=symbol,
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
        spread_capture=Decimal("2.5"),
        inventory_pnl=Decimal("0.5"),
        funding_pnl=Decimal("-0.0125"),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


class BucketSummaryStoreContract:
    """Subclasses provide a `summaries` fixture (`BucketSummaryStore`); each test keeps to its own symbol."""

    @pytest.fixture
    def symbol(self) -> str:
        return a_symbol()

    async def test_an_upserted_summary_reads_back_equal(self, summaries: BucketSummaryStore, symbol: str) -> None:
        stored = summary(symbol, T0)
        await summaries.upsert([stored])
        assert await summaries.summaries_between(EXCHANGE, symbol, BucketWidth.MINUTE, T0, T0 + 1) == [stored]

    async def test_a_flat_summary_reads_back_without_entry_price(
        self, summaries: BucketSummaryStore, symbol: str
    ) -> None:
        stored = summary(symbol, T0, position_end=Decimal(0), avg_entry_px_end=None, mtm_pnl=None)
        await summaries.upsert([stored])
        assert await summaries.latest(EXCHANGE, symbol, BucketWidth.MINUTE) == stored

    async def test_a_summary_with_every_optional_number_missing_reads_back_equal(
        self, summaries: BucketSummaryStore, symbol: str
    ) -> None:
        empty = summary(
            symbol,
            T0,
            BucketWidth.HOUR,
            fill_count=0,
            buy_count=0,
            sell_count=0,
            mean_markout_1s_bps=None,
            mean_markout_10s_bps=None,
            realized_pnl=None,
            mtm_pnl=None,
            inventory_min=None,
            inventory_max=None,
            quote_uptime=None,
            position_end=Decimal(0),
            avg_entry_px_end=None,
            spread_capture=None,
            inventory_pnl=None,
            funding_pnl=None,
        )
        await summaries.upsert([empty])
        assert await summaries.summaries_between(EXCHANGE, symbol, BucketWidth.HOUR, T0, T0 + 1) == [empty]

    async def test_upserting_the_same_bucket_again_replaces_it(
        self, summaries: BucketSummaryStore, symbol: str
    ) -> None:
        await summaries.upsert([summary(symbol, T0)])
        await summaries.upsert([summary(symbol, T0, fill_count=4)])
        found = await summaries.summaries_between(EXCHANGE, symbol, BucketWidth.MINUTE, T0, T0 + 1)
        assert [s.fill_count for s in found] == [4]

    async def test_minute_and_hour_summaries_are_kept_apart(self, summaries: BucketSummaryStore, symbol: str) -> None:
        minute, hour = summary(symbol, T0, fill_count=2), summary(symbol, T0, BucketWidth.HOUR, fill_count=9)
        await summaries.upsert([minute, hour])
        assert (
            await summaries.summaries_between(EXCHANGE, symbol, BucketWidth.HOUR, T0, T0 + 1),
            await summaries.summaries_between(EXCHANGE, symbol, BucketWidth.MINUTE, T0, T0 + 1),
        ) == ([hour], [minute])

    @WIDTHS
    async def test_summaries_between_returns_buckets_starting_in_the_window_oldest_first(
        self, summaries: BucketSummaryStore, symbol: str, width: BucketWidth
    ) -> None:
        await summaries.upsert([summary(symbol, T0 + n * width.ms, width) for n in (2, 0, 1, 3)])
        found = await summaries.summaries_between(EXCHANGE, symbol, width, T0, T0 + 3 * width.ms)
        assert [s.bucket_start_ms for s in found] == [T0, T0 + width.ms, T0 + 2 * width.ms]

    @WIDTHS
    async def test_summaries_starting_before_the_window_or_at_its_end_are_left_out(
        self, summaries: BucketSummaryStore, symbol: str, width: BucketWidth
    ) -> None:
        inside = summary(symbol, T0 + width.ms, width)
        outside = [summary(symbol, T0 - width.ms, width), summary(symbol, T0 + 2 * width.ms, width)]
        await summaries.upsert([*outside, inside])
        assert await summaries.summaries_between(EXCHANGE, symbol, width, T0, T0 + 2 * width.ms) == [inside]

    async def test_another_markets_summaries_are_not_returned(self, summaries: BucketSummaryStore, symbol: str) -> None:
        await summaries.upsert([summary(symbol, T0, BucketWidth.HOUR)])
        assert await summaries.summaries_between(EXCHANGE, symbol + "X", BucketWidth.HOUR, T0, T0 + 1) == []

    async def test_latest_is_the_newest_bucket(self, summaries: BucketSummaryStore, symbol: str) -> None:
        await summaries.upsert([summary(symbol, T0 + n * 60_000) for n in (0, 2, 1)])
        latest = await summaries.latest(EXCHANGE, symbol, BucketWidth.MINUTE)
        assert latest is not None
        assert latest.bucket_start_ms == T0 + 120_000

    async def test_latest_before_a_time_is_the_newest_bucket_starting_before_it(
        self, summaries: BucketSummaryStore, symbol: str
    ) -> None:
        await summaries.upsert([summary(symbol, T0 + n * 60_000) for n in (0, 1, 2)])
        latest = await summaries.latest(EXCHANGE, symbol, BucketWidth.MINUTE, before_ms=T0 + 120_000)
        assert latest is not None
        assert latest.bucket_start_ms == T0 + 60_000

    async def test_latest_is_none_without_summaries(self, summaries: BucketSummaryStore, symbol: str) -> None:
        assert await summaries.latest(EXCHANGE, symbol, BucketWidth.HOUR) is None
