from __future__ import annotations

from dataclasses import replace

import pytest

from mm.adapters.llm.offline_model import offline_model
from mm.adapters.llm.param_advisor import PydanticAiParamAdvisor
from mm.domain.mode import Mode
from mm.domain.proposal import ProposalStatus
from mm.domain.rollout import OperationalFacts, RolloutAction
from mm.usecases.rollout.apply_proposal import ProposalApplier
from tests.reflection_data import WINDOW
from tests.unit.usecases.reflection_harness import Harness, harness

CALM = OperationalFacts(Mode.NORMAL, pause_count=0, data_gap_count=0, exchange_error_count=0)


async def _reflected() -> Harness:
    h = await harness(PydanticAiParamAdvisor(offline_model()))
    await h.workflow.run("extended", "BTC-USD", WINDOW)
    return h


def _applier(h: Harness) -> ProposalApplier:
    return ProposalApplier(proposals=h.rollouts.proposals, rollouts=h.rollouts, clock=h.clock)


async def test_a_proposal_applied_in_calm_operations_becomes_the_params_in_force() -> None:
    h = await _reflected()
    decision = await _applier(h).apply_newest("extended", "BTC-USD", CALM)
    current = await h.rollouts.current("extended", "BTC-USD")
    [proposal] = await h.stored()
    assert decision is not None
    assert current is not None
    assert (decision.action, current.version, current.base_half_spread_bps, proposal.status) == (
        RolloutAction.APPLIED,
        2,
        pytest.approx(2.2),
        ProposalStatus.APPLIED,
    )


async def test_a_proposal_refused_for_recent_pauses_is_marked_rejected_and_changes_nothing() -> None:
    h = await _reflected()
    decision = await _applier(h).apply_newest("extended", "BTC-USD", replace(CALM, pause_count=3))
    current = await h.rollouts.current("extended", "BTC-USD")
    [proposal] = await h.stored()
    assert decision is not None
    assert current is not None
    assert (decision.action, current.version, proposal.status) == (RolloutAction.REJECTED, 1, ProposalStatus.REJECTED)


async def test_a_proposal_whose_stored_reasoning_document_was_altered_is_refused() -> None:
    h = await _reflected()
    [proposal] = await h.stored()
    assert proposal.reasoning_document is not None
    h.rollouts.proposals._proposals[proposal.id] = replace(
        proposal, reasoning_document=proposal.reasoning_document + b" "
    )
    decision = await _applier(h).apply_newest("extended", "BTC-USD", CALM)
    assert decision is not None
    assert (decision.action, decision.reasons[0]) == (
        RolloutAction.REJECTED,
        f"proposal {proposal.id}: the stored reasoning document does not match its sha256",
    )


async def test_a_proposal_without_a_stored_reasoning_document_is_refused() -> None:
    h = await _reflected()
    [proposal] = await h.stored()
    h.rollouts.proposals._proposals[proposal.id] = replace(proposal, reasoning_document=None)
    decision = await _applier(h).apply_newest("extended", "BTC-USD", CALM)
    assert decision is not None
    assert (decision.action, decision.reasons[0]) == (
        RolloutAction.REJECTED,
        f"proposal {proposal.id} has no stored reasoning document",
    )


async def test_the_reasoning_file_is_not_needed_to_apply_a_proposal() -> None:
    """The executor verifies what the database holds; the reflector's file may be on another host."""
    h = await _reflected()
    h.sink.files.clear()
    decision = await _applier(h).apply_newest("extended", "BTC-USD", CALM)
    assert decision is not None
    assert decision.action is RolloutAction.APPLIED


async def test_every_decision_is_recorded_with_the_operational_facts() -> None:
    h = await _reflected()
    await _applier(h).apply_newest("extended", "BTC-USD", CALM)
    [record] = await h.rollouts.history("extended", "BTC-USD")
    assert (record.action, record.from_version, record.to_version, record.facts) == (
        RolloutAction.APPLIED,
        1,
        2,
        CALM,
    )


async def test_with_nothing_pending_there_is_nothing_to_decide() -> None:
    h = await _reflected()
    await _applier(h).apply_newest("extended", "BTC-USD", CALM)
    assert await _applier(h).apply_newest("extended", "BTC-USD", CALM) is None
