"""The pure enrichment the backtest uses for its pseudo-markouts (the stores' contract covers the rest)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mm.domain.fill_enrichment import MarkoutSpec, MidSeries, enrich_fills
from mm.domain.fill_summary import FillRecord, HorizonMarkout
from mm.domain.orders import Fill
from mm.domain.side import Side

MIDS_TS_MS = [0, 1_000, 10_000, 60_000]
MIDS = [Decimal("100"), Decimal("100.5"), Decimal("99"), Decimal("101")]


def simulated_fill(side: Side, ts_ms: int = 0, price: str = "100") -> FillRecord:
    fill = Fill("s1", "o1", "c1", "BTC-USD", side, Decimal(price), Decimal("0.1"), Decimal("0"), False, ts_ms)
    return FillRecord.of("sim", fill)


def test_a_buy_gains_when_the_mid_rises() -> None:
    (enriched,) = enrich_fills([simulated_fill(Side.BUY)], MIDS_TS_MS, MIDS)
    assert enriched.markout_1s == HorizonMarkout(1, Decimal("0.5"), Decimal("50"))


def test_a_sell_gains_when_the_mid_falls() -> None:
    (enriched,) = enrich_fills([simulated_fill(Side.SELL)], MIDS_TS_MS, MIDS)
    assert enriched.markout_10s == HorizonMarkout(10, Decimal("1"), Decimal("100"))


def test_bps_are_rounded_half_away_from_zero_to_eight_decimals() -> None:
    mids = [Decimal(1), Decimal("1.0000000000005")]
    buy, sell = enrich_fills(
        [simulated_fill(Side.BUY, price="1"), simulated_fill(Side.SELL, price="1")], [0, 1_000], mids
    )
    # 5e-13 / 1 * 1e4 = 5e-9 bps: a tie at the ninth decimal
    assert (buy.markout_1s, sell.markout_1s) == (
        HorizonMarkout(1, Decimal("5E-13"), Decimal("1E-8")),
        HorizonMarkout(1, Decimal("-5E-13"), Decimal("-1E-8")),
    )


def test_horizons_after_the_end_of_the_data_stay_unknown() -> None:
    (enriched,) = enrich_fills([simulated_fill(Side.BUY)], MIDS_TS_MS, MIDS, data_end_ms=30_000)
    assert (enriched.markout_10s is not None, enriched.markout_60s) == (True, None)


def test_a_mid_older_than_the_staleness_limit_is_no_mid() -> None:
    (enriched,) = enrich_fills([simulated_fill(Side.BUY)], MIDS_TS_MS, MIDS, spec=MarkoutSpec(max_staleness_ms=0))
    assert (enriched.markout_1s is not None, enriched.markout_10s is not None) == (True, True)
    (late,) = enrich_fills([simulated_fill(Side.BUY, ts_ms=1)], MIDS_TS_MS, MIDS, spec=MarkoutSpec(max_staleness_ms=0))
    assert late.markouts == (None, None, None)


def test_the_spread_at_fill_time_is_kept_when_given() -> None:
    (enriched,) = enrich_fills([simulated_fill(Side.BUY)], MIDS_TS_MS, MIDS, spreads=[Decimal("0.2")] * 4)
    assert (enriched.mid_at_fill, enriched.spread_at_fill) == (Decimal("100"), Decimal("0.2"))


def test_mids_out_of_time_order_are_refused() -> None:
    with pytest.raises(ValueError, match="time order"):
        MidSeries([1_000, 0], [Decimal(1), Decimal(1)])


def test_a_negative_staleness_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        MarkoutSpec(max_staleness_ms=-1)
