"""Every decided window's outcome is stored once, and a decided window never goes to the model again."""

from __future__ import annotations

from dataclasses import replace

from mm.adapters.memory.param_advisor import ScriptedParamAdvisor
from mm.domain.param_gate import ParamChange
from mm.domain.reflection_evidence import EvidencePolicy
from mm.domain.reflection_outcome import WindowOutcome
from mm.ports.errors import AdvisorUnavailable
from mm.usecases.reflection.reflect import ReflectionOutcome
from tests.reflection_data import WINDOW, sound_proposal
from tests.unit.usecases.reflection_harness import Harness, harness


async def _outcome(h: Harness) -> tuple[WindowOutcome, str | None, tuple[str, ...]] | None:
    decision = await h.outcomes.get("extended", "BTC-USD", WINDOW)
    return None if decision is None else (decision.outcome, decision.proposal_id, decision.reasons)


async def test_a_stored_proposal_is_recorded_as_the_windows_outcome_with_its_id() -> None:
    h = await harness(ScriptedParamAdvisor([sound_proposal()]))
    result = await h.workflow.run("extended", "BTC-USD", WINDOW)
    assert await _outcome(h) == (WindowOutcome.PROPOSED, result.proposal_id, ())


async def test_advice_to_change_nothing_is_recorded_and_not_asked_again() -> None:
    advisor = ScriptedParamAdvisor([replace(sound_proposal(), changes=())])
    h = await harness(advisor)
    await h.workflow.run("extended", "BTC-USD", WINDOW)
    again = await h.workflow.run("extended", "BTC-USD", WINDOW)
    assert (await _outcome(h), again.outcome, len(advisor.requests)) == (
        (WindowOutcome.NO_CHANGE, None, ()),
        ReflectionOutcome.ALREADY_DECIDED,
        1,
    )


async def test_a_gate_rejection_is_recorded_with_its_violations_and_not_asked_again() -> None:
    reckless = replace(sound_proposal(), changes=(ParamChange("base_half_spread_bps", 50.0, "why not"),))
    advisor = ScriptedParamAdvisor([reckless])
    h = await harness(advisor)
    await h.workflow.run("extended", "BTC-USD", WINDOW)
    await h.workflow.run("extended", "BTC-USD", WINDOW)
    outcome = await _outcome(h)
    assert outcome is not None
    assert (outcome[0], bool(outcome[2]), len(advisor.requests)) == (WindowOutcome.REJECTED, True, 1)


async def test_too_few_fills_is_recorded_as_too_little_evidence_without_asking_the_model() -> None:
    advisor = ScriptedParamAdvisor([sound_proposal()])
    h = await harness(advisor, evidence=EvidencePolicy(min_fills=41, min_quoting_s=0))  # the seeded hour has 40
    result = await h.workflow.run("extended", "BTC-USD", WINDOW)
    assert (result.outcome, await _outcome(h), advisor.requests, await h.stored()) == (
        ReflectionOutcome.TOO_LITTLE_EVIDENCE,
        (WindowOutcome.TOO_LITTLE_EVIDENCE, None, ("40 fills, fewer than 41",)),
        [],
        [],
    )


async def test_too_little_quoting_is_too_little_evidence_without_asking_the_model() -> None:
    advisor = ScriptedParamAdvisor([sound_proposal()])
    h = await harness(advisor, evidence=EvidencePolicy(min_fills=1, min_quoting_s=10 * 3600))
    result = await h.workflow.run("extended", "BTC-USD", WINDOW)
    assert (result.outcome, advisor.requests) == (ReflectionOutcome.TOO_LITTLE_EVIDENCE, [])


async def test_an_unavailable_advisor_leaves_the_window_undecided_for_the_next_run() -> None:
    advisor = ScriptedParamAdvisor([AdvisorUnavailable("timed out"), sound_proposal()])
    h = await harness(advisor)
    first = await h.workflow.run("extended", "BTC-USD", WINDOW)
    undecided = await _outcome(h)
    second = await h.workflow.run("extended", "BTC-USD", WINDOW)
    assert (first.outcome, undecided, second.outcome) == (
        ReflectionOutcome.ADVISOR_UNAVAILABLE,
        None,
        ReflectionOutcome.STORED,
    )
