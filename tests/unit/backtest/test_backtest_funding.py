"""A backtest charges funding on the position it holds at each settlement the data records."""

from __future__ import annotations

import dataclasses
import time
from decimal import Decimal

from mm.adapters.files.recorded_tape import CsvRecordedMarketData
from mm.apps.backtest.run_options import backtest_params
from mm.apps.backtest.shipped_slice import SHIPPED_EXCHANGE, SHIPPED_SYMBOL, shipped_prefix
from mm.apps.backtest.simulated_venue import simulated_venue
from mm.domain.market_tape import FundingRate
from mm.usecases.backtest.backtest import BacktestSpec, FillModelKind, prepare_tape, replay_tape

RATE = Decimal("0.001")


async def test_funding_is_charged_on_the_position_held_at_the_settlement() -> None:
    data = CsvRecordedMarketData(shipped_prefix(), SHIPPED_EXCHANGE, SHIPPED_SYMBOL)
    tape = await data.tape(SHIPPED_EXCHANGE, SHIPPED_SYMBOL, None, None)
    spec = BacktestSpec(
        SHIPPED_EXCHANGE, SHIPPED_SYMBOL, backtest_params({"base_half_spread_bps": 0.5}), fill_model=FillModelKind.TOUCH
    )
    plain = replay_tape(prepare_tape(tape, spec), spec, simulated_venue, stopwatch_ns=time.perf_counter_ns)
    settle_ms = plain.fills[len(plain.fills) // 2].enriched.fill.ts_ms + 1
    held = next(f.position_after for f in reversed(plain.fills) if f.enriched.fill.ts_ms < settle_ms)
    funded_tape = dataclasses.replace(tape, funding=(FundingRate(settle_ms, RATE),))

    funded = replay_tape(prepare_tape(funded_tape, spec), spec, simulated_venue, stopwatch_ns=time.perf_counter_ns)

    mid = Decimal(repr(next(s.mid for s in reversed(plain.pnl) if s.ts_ms <= settle_ms and s.mid is not None)))
    charged = Decimal(funded.summary["attribution"]["funding"])
    assert held != 0
    assert abs(charged - (-held * RATE * mid)) < abs(held * RATE * mid) * Decimal("0.001")  # the mid at 1 s grid
    assert Decimal(funded.summary["mtm_pnl"]) == Decimal(plain.summary["mtm_pnl"]) + charged
    assert funded.record.fills == plain.record.fills  # funding moves PnL, not the replay
