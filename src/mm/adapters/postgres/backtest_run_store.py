"""`BacktestRunStore` on Postgres: `backtest_run` with its `backtest_fill` and `backtest_mode` rows, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import RowMapping, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.epoch_ms import to_datetime, to_epoch_ms
from mm.adapters.postgres.errors import translate_db_errors
from mm.adapters.postgres.tables import backtest_fill, backtest_mode, backtest_run
from mm.domain.backtest_run import BacktestFill, BacktestRunRecord, ModeChange
from mm.domain.fill_summary import MARKOUT_HORIZONS_S, EnrichedFill, FillRecord, HorizonMarkout
from mm.domain.mode import Mode
from mm.domain.side import Side
from mm.ports.errors import RecordNotFound


class PostgresBacktestRunStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def save(self, run: BacktestRunRecord) -> int:
        with translate_db_errors():
            async with self._engine.begin() as conn:
                run_id: int = await conn.scalar(insert(backtest_run).values(_run_row(run)).returning(backtest_run.c.id))
                if run.fills:
                    await conn.execute(insert(backtest_fill), [_fill_row(run_id, fill) for fill in run.fills])
                if run.modes:
                    await conn.execute(
                        insert(backtest_mode), [_mode_row(run_id, seq, change) for seq, change in enumerate(run.modes)]
                    )
        return run_id

    async def get(self, run_id: int) -> BacktestRunRecord:
        with translate_db_errors():
            async with self._engine.connect() as conn:
                run = (await conn.execute(select(backtest_run).where(backtest_run.c.id == run_id))).mappings().first()
                if run is None:
                    raise RecordNotFound(f"no backtest run {run_id}")
                fills = (
                    await conn.execute(
                        select(backtest_fill)
                        .where(backtest_fill.c.run_id == run_id)
                        .order_by(backtest_fill.c.ts, backtest_fill.c.fill_id)
                    )
                ).mappings()
                fill_rows = fills.all()
                modes = (
                    await conn.execute(
                        select(backtest_mode).where(backtest_mode.c.run_id == run_id).order_by(backtest_mode.c.seq)
                    )
                ).mappings()
                mode_rows = modes.all()
        return _record(run, fill_rows, mode_rows)

    async def recent(self, limit: int = 50) -> list[BacktestRunRecord]:
        """The newest stored runs first, without their fills and mode changes (a listing, not a report)."""
        query = select(backtest_run).order_by(backtest_run.c.id.desc()).limit(limit)
        with translate_db_errors():
            async with self._engine.connect() as conn:
                runs = (await conn.execute(query)).mappings().all()
        return [_record(run, (), ()) for run in runs]


def _run_row(run: BacktestRunRecord) -> dict[str, Any]:
    return {
        "exchange": run.exchange,
        "symbol": run.symbol,
        "start_ts": to_datetime(run.start_ms),
        "end_ts": to_datetime(run.end_ms),
        "data_source": run.data_source,
        "data_sha256": run.data_sha256,
        "rows": run.rows,
        "params": dict(run.params),
        "settings": dict(run.settings),
        "summary": dict(run.summary),
    }


def _fill_row(run_id: int, backtest: BacktestFill) -> dict[str, Any]:
    enriched = backtest.enriched
    fill = enriched.fill
    row: dict[str, Any] = {
        "run_id": run_id,
        "fill_id": fill.fill_id,
        "ts": to_datetime(fill.ts_ms),
        "side": fill.side.value,
        "price": fill.price,
        "size": fill.size,
        "fee": fill.fee,
        "mode": fill.mode.value if fill.mode is not None else None,
        "params_version": fill.params_version,
        "position_after": backtest.position_after,
        "mid_at_fill": enriched.mid_at_fill,
        "spread_at_fill": enriched.spread_at_fill,
    }
    for horizon, markout in zip(MARKOUT_HORIZONS_S, enriched.markouts, strict=True):
        row[f"markout_{horizon}s"] = markout.price if markout is not None else None
        row[f"markout_{horizon}s_bps"] = markout.bps if markout is not None else None
    return row


def _mode_row(run_id: int, seq: int, change: ModeChange) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "seq": seq,
        "ts": to_datetime(change.ts_ms),
        "mode": change.mode.value,
        "reasons": list(change.reasons),
    }


def _record(run: RowMapping, fills: Sequence[RowMapping], modes: Sequence[RowMapping]) -> BacktestRunRecord:
    return BacktestRunRecord(
        exchange=run["exchange"],
        symbol=run["symbol"],
        start_ms=to_epoch_ms(run["start_ts"]),
        end_ms=to_epoch_ms(run["end_ts"]),
        data_source=run["data_source"],
        data_sha256=run["data_sha256"],
        rows=run["rows"],
        params=run["params"],
        settings=run["settings"],
        summary=run["summary"],
        fills=tuple(_backtest_fill(run["exchange"], run["symbol"], row) for row in fills),
        modes=tuple(ModeChange(to_epoch_ms(row["ts"]), Mode(row["mode"]), tuple(row["reasons"])) for row in modes),
        run_id=run["id"],
        created_ts_ms=to_epoch_ms(run["created_at"]),
    )


def _backtest_fill(exchange: str, symbol: str, row: RowMapping) -> BacktestFill:
    fill = FillRecord(
        exchange=exchange,
        fill_id=row["fill_id"],
        symbol=symbol,
        ts_ms=to_epoch_ms(row["ts"]),
        side=Side(row["side"]),
        price=row["price"],
        size=row["size"],
        fee=row["fee"],
        mode=Mode(row["mode"]) if row["mode"] is not None else None,
        params_version=row["params_version"],
    )
    markouts = [_markout(horizon, row) for horizon in MARKOUT_HORIZONS_S]
    enriched = EnrichedFill(fill, row["mid_at_fill"], row["spread_at_fill"], *markouts)
    return BacktestFill(enriched, row["position_after"])


def _markout(horizon_s: int, row: RowMapping) -> HorizonMarkout | None:
    price: Decimal | None = row[f"markout_{horizon_s}s"]
    bps: Decimal | None = row[f"markout_{horizon_s}s_bps"]
    if price is None or bps is None:
        return None
    return HorizonMarkout(horizon_s, price, bps)
