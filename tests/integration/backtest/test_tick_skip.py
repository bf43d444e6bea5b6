"""Skipping unchanged ticks changes nothing: every desired quote, command, mode, fill and decision record.

The engine skips a tick whose inputs (book prices, windows, position, mode, orders, ...) are those
of the last tick, before any time check could flip (`QuoteEngine._tick_inputs`, `_unchanged_until`).
Each recording is replayed twice with the engine's own strategy settings and the benchmark's
comparable quoter, once skipping and once computing every tick, with the decision log on (a record
carries each tick's desired quotes and every order command), and the two runs must agree exactly.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from mm.adapters.files.recorded_tape import read_tape
from mm.apps.backtest.shipped_slice import shipped_prefix
from mm.apps.backtest.simulated_venue import simulated_venue
from mm.domain.params import StrategyParams
from mm.usecases.backtest.backtest import BacktestResult, BacktestSpec, FillModelKind, prepare_tape, replay_tape
from mm.usecases.trading.engine_config import EngineConfig

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data"

FAST_QUOTER = StrategyParams(
    base_half_spread_bps=0.1,
    vol_multiplier=0.0,
    inventory_skew_bps=0.0,
    order_size=0.001,
    max_position=0.01,
    hard_max_position=0.02,
    defensive_widen_mult=1.0,
    vol_soft_bps=1_000.0,
    refresh_interval_ms=3_600_000,
    price_tolerance_bps=0.0,
    stale_after_ms=60_000,
    requires_mark_index=False,
    calm_period_ms=0,
)


def _replay(prefix: Path, params: StrategyParams, fill_model: FillModelKind, *, skips: bool) -> BacktestResult:
    spec = BacktestSpec("recorded", prefix.name, params, fill_model=fill_model, records_decisions=True)
    tape = prepare_tape(read_tape(prefix, "recorded", prefix.name), spec)
    config = EngineConfig(
        "recorded", prefix.name, max_requests_per_second=50, max_requests_per_minute=1_000, skips_unchanged_ticks=skips
    )
    return replay_tape(tape, spec, simulated_venue, stopwatch_ns=time.perf_counter_ns, engine_config=config)


RECORDINGS = [
    pytest.param(shipped_prefix(), id="shipped-binance-slice"),
    pytest.param(SHARED / "hyperliquid_eth_20251210", id="hyperliquid-eth"),
]


@pytest.mark.parametrize("prefix", RECORDINGS)
@pytest.mark.parametrize(
    ("params", "fill_model"),
    [
        pytest.param(StrategyParams(), FillModelKind.QUEUE, id="default-strategy"),
        pytest.param(FAST_QUOTER, FillModelKind.TOUCH, id="comparable-quoter"),
    ],
)
def test_skipping_unchanged_ticks_changes_no_quote_command_mode_or_fill(
    prefix: Path, params: StrategyParams, fill_model: FillModelKind
) -> None:
    if not Path(f"{prefix}.bbo.csv.gz").exists():
        pytest.skip(f"recording not found: {prefix}")
    skipping = _replay(prefix, params, fill_model, skips=True)
    computing = _replay(prefix, params, fill_model, skips=False)

    assert skipping.decisions == computing.decisions
    assert [(r.ts_ms, r.commands) for r in skipping.decisions] == [(r.ts_ms, r.commands) for r in computing.decisions]
    assert skipping.quotes == computing.quotes
    assert skipping.modes == computing.modes
    assert skipping.fills == computing.fills
    assert replace(skipping.counts, skipped_ticks=0) == computing.counts
    assert computing.counts.skipped_ticks == 0
    assert skipping.counts.skipped_ticks > 0, "nothing was skipped: the comparison shows nothing"
    assert len(skipping.decisions) > 10
