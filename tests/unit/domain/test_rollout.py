from __future__ import annotations

from dataclasses import replace

import pytest

from mm.domain.market_summary import summarize_market
from mm.domain.mode import Mode
from mm.domain.param_gate import Comparison, ParamChange, RollbackCondition
from mm.domain.params import StrategyParams
from mm.domain.proposal import ProposalStatus, StoredProposal
from mm.domain.rollout import (
    OperationalFacts,
    RolloutAction,
    decide_rollout,
    rollback_params,
    triggered_rollback_conditions,
)
from tests.reflection_data import WINDOW, aggregate, sound_proposal

CREATED_MS = WINDOW.end_ms + 60_000
CALM = OperationalFacts(Mode.NORMAL, pause_count=0, data_gap_count=0, exchange_error_count=0)


def _stored(**overrides: object) -> StoredProposal:
    values: dict[str, object] = {
        "id": "p1",
        "exchange": "extended",
        "symbol": "BTC-USD",
        "window": WINDOW,
        "status": ProposalStatus.PROPOSED,
        "model": "test",
        "proposal": sound_proposal(),
        "reasoning_path": "/logs/llm/x.json",
        "reasoning_sha256": "0" * 64,
        "created_ts_ms": CREATED_MS,
        "updated_ts_ms": CREATED_MS,
    }
    values.update(overrides)
    return StoredProposal(**values)  # type: ignore[arg-type]


def test_a_fresh_proposal_in_calm_operations_is_applied_with_the_next_version() -> None:
    decision = decide_rollout(_stored(), StrategyParams(), CALM, now_ms=CREATED_MS + 1_000)
    assert decision.new_params is not None
    assert (decision.action, decision.new_params.version, decision.new_params.base_half_spread_bps) == (
        RolloutAction.APPLIED,
        2,
        pytest.approx(2.2),
    )


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        (replace(CALM, mode=Mode.PAUSE), "the strategy is in PAUSE"),
        (replace(CALM, pause_count=2), "2 recent PAUSEs, more than 1"),
        (replace(CALM, data_gap_count=1), "1 recent market-data gaps, more than 0"),
        (replace(CALM, exchange_error_count=4), "4 recent exchange errors, more than 3"),
    ],
    ids=["paused", "pauses", "data_gap", "exchange_errors"],
)
def test_unsettled_operations_reject_the_proposal_saying_why(facts: OperationalFacts, reason: str) -> None:
    decision = decide_rollout(_stored(), StrategyParams(), facts, now_ms=CREATED_MS)
    assert (decision.action, decision.reasons, decision.new_params) == (RolloutAction.REJECTED, (reason,), None)


def test_a_proposal_made_for_other_params_is_rejected_by_the_gate() -> None:
    current = replace(StrategyParams(), version=2)
    decision = decide_rollout(_stored(), current, CALM, now_ms=CREATED_MS)
    assert [r.split(":")[1].strip() for r in decision.reasons] == ["stale_base_version"]


def test_a_proposal_that_is_already_applied_is_not_applied_again() -> None:
    decision = decide_rollout(_stored(status=ProposalStatus.APPLIED), StrategyParams(), CALM, now_ms=CREATED_MS)
    assert decision.reasons == ("proposal is applied, not proposed",)


def test_an_old_proposal_is_rejected() -> None:
    decision = decide_rollout(_stored(), StrategyParams(), CALM, now_ms=CREATED_MS + 3 * 3_600_000)
    assert decision.action is RolloutAction.REJECTED


def test_a_proposal_whose_rollback_metric_nobody_measures_is_rejected() -> None:
    proposal = replace(
        sound_proposal(), rollback_conditions=(RollbackCondition("sharpe_ratio", Comparison.BELOW, 1.0),)
    )
    decision = decide_rollout(_stored(proposal=proposal), StrategyParams(), CALM, now_ms=CREATED_MS)
    assert decision.reasons == ("rollback conditions name metrics nobody measures: sharpe_ratio",)


def test_every_reason_to_refuse_is_reported() -> None:
    proposal = replace(sound_proposal(), changes=(ParamChange("base_half_spread_bps", 4.0),))
    facts = OperationalFacts(Mode.PAUSE, pause_count=5, data_gap_count=2, exchange_error_count=9)
    decision = decide_rollout(_stored(proposal=proposal), StrategyParams(), facts, now_ms=CREATED_MS)
    assert len(decision.reasons) == 5


def test_a_rollback_condition_crossed_by_the_summary_is_triggered() -> None:
    summary = summarize_market([aggregate(mean_markout_10s_bps="-4")], [])
    conditions = (
        RollbackCondition("mean_markout_10s_bps", Comparison.BELOW, -3.5),
        RollbackCondition("pause_count", Comparison.ABOVE, 2.0),
    )
    assert triggered_rollback_conditions(conditions, summary) == conditions[:1]


def test_a_rollback_condition_on_an_unknown_value_is_not_triggered() -> None:
    summary = summarize_market([aggregate(mean_markout_10s_bps=None)], [])
    condition = RollbackCondition("mean_markout_10s_bps", Comparison.BELOW, 0.0)
    assert triggered_rollback_conditions((condition,), summary) == ()


def test_rolling_back_restores_the_old_values_as_the_next_version() -> None:
    before = StrategyParams()
    after = before.with_changes({"base_half_spread_bps": 2.2})
    restored = rollback_params(after, before)
    assert (restored.version, restored.base_half_spread_bps) == (3, 2.0)
