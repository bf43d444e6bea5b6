"""`ShadowBacktest` through `mm backtest`'s own container: the executor's check of a proposal on recent md_* data.

Each replay runs the backtest app's composition (its container, as `mm.backtest.run` uses it) on the
market's recorded rows in the database, with the params given, and keeps no run. It runs in its own
thread with its own event loop and database engine, so the executor's loop keeps quoting meanwhile.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

from mm.apps.backtest.notebook import notebook_container, replayed
from mm.domain.params import StrategyParams
from mm.domain.shadow_backtest import ShadowFigures
from mm.ports.errors import MmError, ShadowBacktestFailed
from mm.usecases.backtest.backtest import BacktestResult, BacktestSpec, FillModelKind


class ContainerShadowBacktest:
    """`fill_model` QUEUE by default: a resting order fills only after the size ahead of it traded."""

    def __init__(
        self,
        database_url: str,
        *,
        fill_model: FillModelKind = FillModelKind.QUEUE,
        maker_fee_rate: Decimal = Decimal(0),
    ) -> None:
        self._database_url = database_url
        self._fill_model = fill_model
        self._maker_fee_rate = maker_fee_rate

    async def replay(
        self, exchange: str, symbol: str, params: StrategyParams, start_ms: int, end_ms: int
    ) -> ShadowFigures:
        spec = BacktestSpec(
            exchange=exchange,
            symbol=symbol,
            params=params,
            fill_model=self._fill_model,
            maker_fee_rate=self._maker_fee_rate,
            start_ms=start_ms,
            end_ms=end_ms,
        )
        try:
            result = await asyncio.to_thread(asyncio.run, self._replayed(spec))
        except (MmError, ValueError) as error:
            raise ShadowBacktestFailed(
                f"{exchange}/{symbol} {start_ms}..{end_ms}: {type(error).__name__}: {error}"
            ) from error
        return shadow_figures(result)

    async def _replayed(self, spec: BacktestSpec) -> BacktestResult:
        return await replayed(notebook_container(self._database_url), spec, None, kept=False)


def shadow_figures(result: BacktestResult) -> ShadowFigures:
    """A backtest's headline numbers, as the shadow check compares and stores them."""
    summary = result.summary
    markout = summary["mean_markout_bps"].get("10")
    return ShadowFigures(
        start_ms=result.record.start_ms,
        end_ms=result.record.end_ms,
        fills=int(summary["fills"]),
        mtm_pnl=Decimal(summary["mtm_pnl"]),
        fees=Decimal(summary["fees"]),
        mean_markout_10s_bps=None if markout is None else float(markout),
    )
