"""Test data for the reflector's tests: windows, bucket summaries, worst fills, inputs and reasoning records.

The summaries and fills are the summarizer's own row types (`BucketSummary`, `EnrichedFill`), so what
these tests feed the reflector is what the summarizer writes.
"""

from __future__ import annotations

import hashlib
import uuid
from decimal import Decimal

from mm.domain.bucket_summary import BucketSummary
from mm.domain.bucket_width import BucketWidth
from mm.domain.fill_summary import EnrichedFill, FillRecord, HorizonMarkout
from mm.domain.mode import Mode
from mm.domain.param_gate import Comparison, ParamChange, ParamGate, ParamProposal, RollbackCondition
from mm.domain.params import StrategyParams
from mm.domain.reasoning_record import ReasoningRecord
from mm.domain.reflection_input import ReflectionInput
from mm.domain.reflection_prompt import build_prompt
from mm.domain.reflection_window import HOUR_MS, ReflectionWindow
from mm.domain.side import Side

HOUR_0_MS = 1_767_225_600_000  # 2026-01-01T00:00Z
WINDOW = ReflectionWindow(HOUR_0_MS, HOUR_0_MS + HOUR_MS)
WORST_FILL_PRICE = Decimal("100000")


def aggregate(
    bucket_start_ms: int = HOUR_0_MS,
    *,
    fill_count: int = 40,
    mean_markout_10s_bps: str | None = "-2.5",
    inventory_max: str | None = "0.004",
    pause_count: int = 0,
    symbol: str = "BTC-USD",
    width: BucketWidth = BucketWidth.HOUR,
) -> BucketSummary:
    """An hour (or, with `width`, a minute) of one market as the summarizer stores it."""
    return BucketSummary(
        exchange="extended",
        symbol=symbol,
        width=width,
        bucket_start_ms=bucket_start_ms,
        fill_count=fill_count,
        buy_count=fill_count // 2,
        sell_count=fill_count - fill_count // 2,
        volume=Decimal("0.04"),
        notional=Decimal("4000"),
        fees=Decimal("-0.4"),
        mean_markout_1s_bps=Decimal("-0.5"),
        mean_markout_10s_bps=None if mean_markout_10s_bps is None else Decimal(mean_markout_10s_bps),
        mean_markout_60s_bps=None,
        realized_pnl=Decimal("1.5"),
        mtm_pnl=Decimal("0.5"),
        inventory_min=Decimal("-0.003"),
        inventory_max=None if inventory_max is None else Decimal(inventory_max),
        pause_count=pause_count,
        time_normal_s=Decimal("3400"),
        time_defensive_s=Decimal("200"),
        time_pause_s=Decimal("0"),
        quote_uptime=Decimal("0.97"),
        position_end=Decimal("0"),
        avg_entry_px_end=None,
    )


def worst_fill(
    fill_id: str = "f-1", ts_ms: int = HOUR_0_MS + 1_000, markout_10s_bps: str = "-9", *, symbol: str = "BTC-USD"
) -> EnrichedFill:
    """A buy of 0.001 @ 100000 with a -3 bps 1 s markout, `markout_10s_bps` at 10 s and no 60 s markout yet."""
    bps_10s = Decimal(markout_10s_bps)
    return EnrichedFill(
        fill=FillRecord(
            exchange="extended",
            fill_id=fill_id,
            symbol=symbol,
            ts_ms=ts_ms,
            side=Side.BUY,
            price=WORST_FILL_PRICE,
            size=Decimal("0.001"),
            fee=Decimal("0.01"),
            mode=Mode.NORMAL,
            params_version=1,
        ),
        mid_at_fill=None,
        spread_at_fill=None,
        markout_1s=HorizonMarkout(1, Decimal("-30"), Decimal("-3")),
        markout_10s=HorizonMarkout(10, bps_10s * WORST_FILL_PRICE / 10_000, bps_10s),
        markout_60s=None,
    )


def reflection_input(
    *,
    symbol: str = "BTC-USD",
    params: StrategyParams | None = None,
    aggregates: tuple[BucketSummary, ...] | None = None,
    worst_fills: tuple[EnrichedFill, ...] | None = None,
) -> ReflectionInput:
    return ReflectionInput(
        exchange="extended",
        symbol=symbol,
        window=WINDOW,
        summaries=(aggregate(symbol=symbol),) if aggregates is None else aggregates,
        worst_fills=(worst_fill(symbol=symbol),) if worst_fills is None else worst_fills,
        params=params or StrategyParams(),
    )


def sound_proposal(params: StrategyParams | None = None) -> ParamProposal:
    """A proposal the default gate accepts: one change of +10 % with a rollback condition."""
    current = params or StrategyParams()
    return ParamProposal(
        changes=(ParamChange("base_half_spread_bps", current.base_half_spread_bps * 1.1, "negative markouts"),),
        rollback_conditions=(RollbackCondition("mean_markout_10s_bps", Comparison.BELOW, -3.5),),
        rationale="adverse selection",
        base_version=current.version,
    )


def reasoning_record(*, symbol: str = "BTC-USD", proposal_id: str | None = None) -> ReasoningRecord:
    reflection = reflection_input(symbol=symbol)
    proposal = sound_proposal(reflection.params)
    verdict = ParamGate().review(proposal, reflection.params)
    assert verdict.params is not None
    return ReasoningRecord(
        proposal_id=proposal_id or uuid.uuid4().hex,
        created_ts_ms=WINDOW.end_ms + 65_000,
        model="test",
        reflection=reflection,
        prompt=build_prompt(reflection, ParamGate()),
        proposal=proposal,
        new_params=verdict.params,
    )


REASONING_DOCUMENT = b'{"why": "a hand-made proposal for a test"}'
REASONING_SHA256 = hashlib.sha256(REASONING_DOCUMENT).hexdigest()
"""A stored reasoning document and its digest, for proposals a test stores by hand."""
