"""A live bucket's PnL split as the backtest splits a run: spread capture, inventory, fees, funding."""

from __future__ import annotations

from decimal import Decimal

from mm.domain.average_cost import CostBasis
from mm.domain.bucket_summary import MarketActivity, SummaryWindow, summarize_buckets
from mm.domain.bucket_width import BucketWidth
from mm.domain.fill_summary import EnrichedFill, FillRecord
from mm.domain.mode_timeline import ModeTimeline
from mm.domain.pnl_attribution import FundingPayment
from mm.domain.position_timeline import PositionTimeline
from mm.domain.side import Side

MINUTE = 60_000


def enriched(ts_ms: int, side: Side, price: str, mid: str | None, size: str = "1") -> EnrichedFill:
    fill = FillRecord("x", f"f{ts_ms}", "BTC-USD", ts_ms, side, Decimal(price), Decimal(size), Decimal("0.01"))
    return EnrichedFill(fill, None if mid is None else Decimal(mid), None, None, None, None)


def activity(
    fills: list[EnrichedFill], mids: dict[int, Decimal | None], funding: list[FundingPayment]
) -> MarketActivity:
    return MarketActivity(
        exchange="x",
        symbol="BTC-USD",
        fills=fills,
        modes=ModeTimeline([]),
        positions=PositionTimeline([]),
        mids_ms=mids,
        funding=funding,
    )


def window(end_ms: int) -> SummaryWindow:
    return SummaryWindow(BucketWidth.MINUTE, 0, end_ms, 10 * MINUTE, max_decision_hold_ms=MINUTE)


def test_the_parts_sum_to_the_bucket_pnl_net_of_fees_and_funding() -> None:
    fills = [
        enriched(10_000, Side.BUY, "99.5", "100"),  # +0.5 spread, long 3
        enriched(20_000, Side.SELL, "101.5", "101", "2"),  # +1 spread, long 1
        enriched(MINUTE + 5_000, Side.SELL, "102", None),  # no mid: counted at its price, flat
    ]
    funding = [
        FundingPayment(30_000, Decimal("0.001"), Decimal(100)),
        FundingPayment(MINUTE + 9_000, Decimal(1), Decimal(1)),
    ]
    mids = {0: Decimal("99"), MINUTE: Decimal("102"), 2 * MINUTE: Decimal("103")}
    first, second = summarize_buckets(
        activity(fills, mids, funding), window(MINUTE + 5_000), CostBasis(Decimal(2), Decimal(98))
    )
    # Carried long 2 at mid 99; mid 99 -> 100 on 2 (+2), 100 -> 101 on 3 (+3), 101 -> 102 on 1 (+1).
    assert (first.spread_capture, first.inventory_pnl) == (Decimal("1.5"), Decimal(6))
    assert first.funding_pnl == Decimal("-0.1")  # long 1 at the settlement pays 0.001 x 100
    assert first.mtm_pnl == Decimal("7.5")  # the summarizer's own marked PnL: spread capture + inventory
    assert first.mtm_pnl is not None
    assert first.attributed_pnl == first.mtm_pnl - Decimal("0.02") - Decimal("0.1")
    # The second bucket opens long 1 at 102 and sells it at 102: nothing but the fee; flat at the settlement.
    assert (second.spread_capture, second.inventory_pnl, second.funding_pnl) == (Decimal(0), Decimal(0), Decimal(0))
    assert second.mtm_pnl is not None
    assert second.attributed_pnl == second.mtm_pnl - second.fees


def test_a_held_position_without_an_opening_mid_leaves_the_attribution_unknown() -> None:
    fills = [enriched(10_000, Side.BUY, "100", "100")]
    (bucket,) = summarize_buckets(
        activity(fills, {0: None, MINUTE: Decimal(101)}, []), window(59_999), CostBasis(Decimal(1), Decimal(90))
    )
    assert (bucket.spread_capture, bucket.inventory_pnl, bucket.funding_pnl, bucket.attributed_pnl) == (
        None,
        None,
        None,
        None,
    )
