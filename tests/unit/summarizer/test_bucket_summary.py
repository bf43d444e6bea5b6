"""Bucket arithmetic the scenario tests do not reach: carried inventory, gaps, the bucket in progress."""

from __future__ import annotations

from decimal import Decimal

from mm.domain.average_cost import CostBasis
from mm.domain.bucket_summary import MarketActivity, SummaryWindow, mark_times_ms, summarize_buckets
from mm.domain.bucket_width import BucketWidth
from mm.domain.fill_summary import EnrichedFill, FillRecord
from mm.domain.mode import Mode
from mm.domain.mode_timeline import DecisionSample, ModeTimeline
from mm.domain.position_timeline import PositionSample, PositionTimeline
from mm.domain.side import Side

MINUTE = 60_000


def enriched(fill_id: str, ts_ms: int, side: Side, price: str, size: str = "1") -> EnrichedFill:
    fill = FillRecord("x", fill_id, "BTC-USD", ts_ms, side, Decimal(price), Decimal(size), Decimal("0.01"))
    return EnrichedFill(fill, None, None, None, None, None)


def activity(
    *fills: EnrichedFill, mids: dict[int, Decimal | None] | None = None, **timelines: object
) -> MarketActivity:
    return MarketActivity(
        exchange="x",
        symbol="BTC-USD",
        fills=list(fills),
        modes=timelines.get("modes", ModeTimeline([])),  # type: ignore[arg-type]
        positions=timelines.get("positions", PositionTimeline([])),  # type: ignore[arg-type]
        mids_ms=mids or {},
    )


def window(start_ms: int, end_ms: int, as_of_ms: int = 10 * MINUTE) -> SummaryWindow:
    return SummaryWindow(BucketWidth.MINUTE, start_ms, end_ms, as_of_ms, max_decision_hold_ms=MINUTE)


def test_mark_to_market_revalues_the_inventory_carried_through_the_bucket() -> None:
    market = activity(enriched("a", 10_000, Side.BUY, "100"), mids={0: Decimal("99"), MINUTE: Decimal("103")})
    (bucket,) = summarize_buckets(market, window(0, 59_999), CostBasis(Decimal(2), Decimal(98)))
    # cash -100; inventory 2 x 99 = 198 at the open, 3 x 103 = 309 at the close
    assert (bucket.mtm_pnl, bucket.realized_pnl) == (Decimal(11), Decimal(0))


def test_mark_to_market_is_unknown_when_an_open_inventory_has_no_mid() -> None:
    market = activity(enriched("a", 10_000, Side.BUY, "100"), mids={0: None, MINUTE: Decimal("103")})
    (bucket,) = summarize_buckets(market, window(0, 59_999), CostBasis(Decimal(2), Decimal(98)))
    assert bucket.mtm_pnl is None


def test_the_cost_basis_carries_from_bucket_to_bucket() -> None:
    market = activity(enriched("a", 1_000, Side.BUY, "100", "2"), enriched("b", MINUTE + 1, Side.SELL, "103"))
    first, second = summarize_buckets(market, window(0, MINUTE + 1), CostBasis())
    assert (first.position_end, second.realized_pnl, second.position_end) == (Decimal(2), Decimal(3), Decimal(1))


def test_buckets_without_fills_decisions_or_positions_are_left_out() -> None:
    market = activity(enriched("a", 1_000, Side.BUY, "100"), enriched("b", 3 * MINUTE, Side.SELL, "101"))
    starts = [bucket.bucket_start_ms for bucket in summarize_buckets(market, window(0, 3 * MINUTE), CostBasis())]
    assert starts == [0, 3 * MINUTE]


def test_a_bucket_with_only_a_position_report_is_kept() -> None:
    market = activity(positions=PositionTimeline([PositionSample(MINUTE + 5, Decimal(1))]))
    (bucket,) = summarize_buckets(market, window(0, 2 * MINUTE), CostBasis())
    assert (bucket.bucket_start_ms, bucket.fill_count, bucket.inventory_max) == (MINUTE, 0, Decimal(1))


def test_uptime_of_the_bucket_in_progress_counts_only_the_elapsed_part() -> None:
    modes = ModeTimeline([DecisionSample(0, Mode.NORMAL, True)])
    (bucket,) = summarize_buckets(activity(modes=modes), window(0, 0, as_of_ms=30_000), CostBasis())
    assert (bucket.quote_uptime, bucket.time_normal_s) == (Decimal(1), Decimal(30))


def test_the_mark_times_are_each_bucket_start_and_close() -> None:
    assert mark_times_ms(window(0, MINUTE + 5, as_of_ms=MINUTE + 30_000)) == [0, MINUTE, MINUTE + 30_000]
