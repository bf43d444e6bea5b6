"""What every `BacktestRunStore` must do, whatever stores it."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from mm.domain.backtest_run import BacktestFill, BacktestRunRecord, ModeChange
from mm.domain.fill_summary import EnrichedFill, FillRecord, HorizonMarkout
from mm.domain.mode import Mode
from mm.domain.side import Side
from mm.ports.backtest_run_store import BacktestRunStore
from mm.ports.errors import RecordNotFound

T0 = 1_723_161_256_313


def a_fill(n: int, side: Side, markouts: bool) -> BacktestFill:
    fill = FillRecord(
        "binance",
        f"sim-fill-{n}",
        "BTCUSDT",
        T0 + n,
        side,
        Decimal("61800.1"),
        Decimal("0.001"),
        Decimal("0.0001"),
        Mode.NORMAL,
        1,
    )
    horizon = HorizonMarkout(1, Decimal("0.35"), Decimal("0.05663419")) if markouts else None
    enriched = EnrichedFill(fill, Decimal("61800.15"), Decimal("0.1"), horizon, None, None)
    return BacktestFill(enriched, Decimal("0.001") * n)


def a_run(**changes: object) -> BacktestRunRecord:
    run = BacktestRunRecord(
        exchange="binance",
        symbol="BTCUSDT",
        start_ms=T0,
        end_ms=T0 + 180_000,
        data_source="file:/data/binance_usdm_btcusdt_20240808_3min",
        data_sha256="ab" * 32,
        rows=36_963,
        params={"base_half_spread_bps": 2.0, "requires_mark_index": False, "version": 1},
        settings={"fill_model": "queue", "order_latency_ms": 0, "maker_fee_rate": "0"},
        summary={"fills": 2, "mean_markout_bps": {"1": 0.5, "10": None}, "mtm_pnl": "-0.0109"},
        fills=(a_fill(1, Side.BUY, markouts=True), a_fill(2, Side.SELL, markouts=False)),
        modes=(ModeChange(T0, Mode.DEFENSIVE, ("calm_period_pending",)), ModeChange(T0 + 20_000, Mode.NORMAL)),
    )
    return dataclasses.replace(run, **changes)  # type: ignore[arg-type]


class BacktestRunStoreContract:
    """Subclasses provide a `store` fixture."""

    async def test_a_saved_run_reads_back_equal_with_its_id(self, store: BacktestRunStore) -> None:
        run = a_run()
        run_id = await store.save(run)
        assert await store.get(run_id) == dataclasses.replace(run, run_id=run_id)

    async def test_a_run_without_fills_or_mode_changes_reads_back_equal(self, store: BacktestRunStore) -> None:
        run = a_run(fills=(), modes=())
        run_id = await store.save(run)
        assert await store.get(run_id) == dataclasses.replace(run, run_id=run_id)

    async def test_each_saved_run_gets_a_new_id(self, store: BacktestRunStore) -> None:
        first, second = await store.save(a_run()), await store.save(a_run())
        assert first != second

    async def test_an_unknown_run_id_raises_record_not_found(self, store: BacktestRunStore) -> None:
        with pytest.raises(RecordNotFound):
            await store.get(987_654_321)
