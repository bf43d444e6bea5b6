"""The executor's shadow check before applying: both figures kept with the decision, a worse proposal refused."""

from __future__ import annotations

from decimal import Decimal

from mm.adapters.llm.offline_model import offline_model
from mm.adapters.llm.param_advisor import PydanticAiParamAdvisor
from mm.domain.mode import Mode
from mm.domain.params import StrategyParams
from mm.domain.proposal import ProposalStatus
from mm.domain.rollout import OperationalFacts, RolloutAction
from mm.domain.shadow_backtest import ShadowFigures
from mm.ports.errors import ShadowBacktestFailed
from mm.usecases.rollout.apply_proposal import ProposalApplier
from tests.reflection_data import WINDOW
from tests.unit.usecases.reflection_harness import Harness, harness

CALM = OperationalFacts(Mode.NORMAL, pause_count=0, data_gap_count=0, exchange_error_count=0)
LOOKBACK_MS = 600_000


class PnlByHalfSpread:
    """A `ShadowBacktest` whose PnL is a function of the half spread: a stand-in for the replay engine."""

    def __init__(self, pnl: dict[float, str] | None = None, *, fails: bool = False) -> None:
        self._pnl = pnl or {}
        self._fails = fails
        self.calls: list[tuple[float, int, int]] = []

    async def replay(
        self, exchange: str, symbol: str, params: StrategyParams, start_ms: int, end_ms: int
    ) -> ShadowFigures:
        self.calls.append((params.base_half_spread_bps, start_ms, end_ms))
        if self._fails:
            raise ShadowBacktestFailed("nothing recorded in the span")
        pnl = Decimal(self._pnl[round(params.base_half_spread_bps, 6)])
        return ShadowFigures(start_ms, end_ms, fills=5, mtm_pnl=pnl, fees=Decimal(0), mean_markout_10s_bps=None)


async def _reflected() -> Harness:
    h = await harness(PydanticAiParamAdvisor(offline_model()))  # proposes base_half_spread_bps 2.0 -> 2.2
    await h.workflow.run("extended", "BTC-USD", WINDOW)
    return h


def _applier(h: Harness, shadow: PnlByHalfSpread, *, reject_worse: bool = True) -> ProposalApplier:
    return ProposalApplier(
        proposals=h.rollouts.proposals,
        rollouts=h.rollouts,
        clock=h.clock,
        shadow=shadow,
        shadow_lookback_ms=LOOKBACK_MS,
        reject_worse=reject_worse,
    )


async def test_a_proposal_that_backtests_worse_is_rejected_and_both_figures_are_recorded() -> None:
    h = await _reflected()
    shadow = PnlByHalfSpread({2.0: "1.5", 2.2: "-0.5"})
    decision = await _applier(h, shadow).apply_newest("extended", "BTC-USD", CALM)
    [record] = await h.rollouts.history("extended", "BTC-USD")
    [proposal] = await h.stored()
    assert decision is not None
    assert (decision.action, proposal.status, record.to_version) == (
        RolloutAction.REJECTED,
        ProposalStatus.REJECTED,
        None,
    )
    assert record.shadow is not None
    assert (record.shadow.current.mtm_pnl, record.shadow.proposed.mtm_pnl) == (Decimal("1.5"), Decimal("-0.5"))


async def test_the_shadow_replays_the_lookback_up_to_now_with_the_current_then_the_proposed_params() -> None:
    h = await _reflected()
    shadow = PnlByHalfSpread({2.0: "1", 2.2: "1"})
    await _applier(h, shadow).apply_newest("extended", "BTC-USD", CALM)
    now_ms = h.clock.now_ms()
    assert [(round(hs, 6), start, end) for hs, start, end in shadow.calls] == [
        (2.0, now_ms - LOOKBACK_MS, now_ms),
        (2.2, now_ms - LOOKBACK_MS, now_ms),
    ]


async def test_a_proposal_that_backtests_no_worse_is_applied_with_both_figures() -> None:
    h = await _reflected()
    decision = await _applier(h, PnlByHalfSpread({2.0: "1", 2.2: "1"})).apply_newest("extended", "BTC-USD", CALM)
    [record] = await h.rollouts.history("extended", "BTC-USD")
    assert decision is not None
    assert (decision.action, record.to_version, record.shadow is not None) == (RolloutAction.APPLIED, 2, True)


async def test_with_reject_worse_off_a_worse_proposal_is_applied_and_its_figures_kept() -> None:
    h = await _reflected()
    shadow = PnlByHalfSpread({2.0: "1", 2.2: "-1"})
    decision = await _applier(h, shadow, reject_worse=False).apply_newest("extended", "BTC-USD", CALM)
    [record] = await h.rollouts.history("extended", "BTC-USD")
    assert decision is not None
    assert record.shadow is not None
    assert (decision.action, record.shadow.proposed_is_worse, record.to_version) == (RolloutAction.APPLIED, True, 2)


async def test_a_shadow_backtest_that_cannot_run_rejects_the_proposal() -> None:
    h = await _reflected()
    decision = await _applier(h, PnlByHalfSpread(fails=True)).apply_newest("extended", "BTC-USD", CALM)
    assert decision is not None
    assert (decision.action, decision.reasons) == (
        RolloutAction.REJECTED,
        ("shadow backtest could not run: nothing recorded in the span",),
    )


async def test_a_proposal_refused_before_the_shadow_is_not_backtested() -> None:
    h = await _reflected()
    shadow = PnlByHalfSpread({2.0: "1", 2.2: "2"})
    paused = OperationalFacts(Mode.PAUSE, pause_count=0, data_gap_count=0, exchange_error_count=0)
    decision = await _applier(h, shadow).apply_newest("extended", "BTC-USD", paused)
    assert decision is not None
    assert (decision.action, shadow.calls) == (RolloutAction.REJECTED, [])
