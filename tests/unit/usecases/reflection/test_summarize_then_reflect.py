"""The in-memory summarizer into the in-memory reflector: the reflector reads exactly what the summarizer wrote.

The market is the summarizer's hand-computed scenario (`tests/summarizer_support/summarizer_behaviour.py`):
three fills in the minute at T0, F1 the only one whose 10 s markout (+400 bps) is known.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from mm.adapters.clock import SimulatedClock
from mm.adapters.llm.offline_model import offline_model
from mm.adapters.llm.param_advisor import PydanticAiParamAdvisor
from mm.adapters.memory.param_rollout_store import InMemoryParamRolloutStore
from mm.adapters.memory.reasoning_sink import InMemoryReasoningSink
from mm.adapters.memory.reflection_outcome_store import InMemoryReflectionOutcomeStore
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.domain.bucket_width import BucketWidth
from mm.domain.reflection_window import HOUR_MS, ReflectionWindow
from mm.usecases.reflection.reflect import ReflectionOutcome, ReflectionResult, ReflectionWorkflow
from tests.summarizer_support.seeding import SummarizerBackend, in_memory_backend
from tests.summarizer_support.summarizer_behaviour import HOUR_START, NOW, SYMBOL, seed_scenario, summarizer
from tests.unique_keys import an_id
from tests.unit.usecases.reflection_harness import LENIENT_EVIDENCE

HOUR = ReflectionWindow(HOUR_START, HOUR_START + HOUR_MS)


class Reflected:
    """One summarizer run, then one reflection on its hour, over the same in-memory stores."""

    def __init__(self, backend: SummarizerBackend, exchange: str) -> None:
        self.backend, self.exchange = backend, exchange
        self.sink = InMemoryReasoningSink()
        self.rollouts = InMemoryParamRolloutStore()

    async def run(self) -> ReflectionResult:
        clock = SimulatedClock(NOW)
        await summarizer(self.backend, self.exchange, clock).run_once()
        workflow = ReflectionWorkflow(
            summaries=self.backend.summaries,
            fills=self.backend.fills,
            params=self.rollouts,
            advisor=PydanticAiParamAdvisor(offline_model()),
            reasoning=self.sink,
            proposals=self.rollouts.proposals,
            outcomes=InMemoryReflectionOutcomeStore(),
            clock=clock,
            metrics=PrometheusMetrics(),
            evidence=LENIENT_EVIDENCE,
        )
        return await workflow.run(self.exchange, SYMBOL, HOUR)

    async def reasoning(self) -> dict[str, Any]:
        [stored] = await self.rollouts.proposals.recent(self.exchange, SYMBOL)
        document: dict[str, Any] = json.loads(await self.sink.read(stored.reasoning_path))
        return document


@pytest.fixture
async def reflected() -> Reflected:
    exchange = an_id("x")
    backend = in_memory_backend()
    await seed_scenario(backend, exchange)
    return Reflected(backend, exchange)


async def test_the_reflector_proposes_from_the_hour_the_summarizer_summarized(reflected: Reflected) -> None:
    result = await reflected.run()
    [stored] = await reflected.rollouts.proposals.recent(reflected.exchange, SYMBOL)
    # the offline rules: inventory reached 2 (200x max_position), and +400 bps leaves room to tighten
    assert (result.outcome, {change.name: change.new_value for change in stored.proposal.changes}) == (
        ReflectionOutcome.STORED,
        {"inventory_skew_bps": pytest.approx(3.3), "base_half_spread_bps": pytest.approx(1.9)},
    )


async def test_the_reflector_reads_the_hour_summary_the_summarizer_wrote(reflected: Reflected) -> None:
    await reflected.run()
    [hour] = await reflected.backend.summaries.summaries_between(
        reflected.exchange, SYMBOL, BucketWidth.HOUR, HOUR.start_ms, HOUR.end_ms
    )
    [shown] = (await reflected.reasoning())["input"]["aggregates"]
    assert (shown["bucket_start_ms"], shown["fill_count"], shown["realized_pnl"], shown["quote_uptime"]) == (
        hour.bucket_start_ms,
        3,
        "3",
        "0.065217",
    )


async def test_the_reflector_reads_the_worst_fills_the_summarizer_enriched(reflected: Reflected) -> None:
    await reflected.run()
    shown = (await reflected.reasoning())["input"]["worst_fills"]
    assert [(fill["fill_id"], Decimal(fill["markout_10s_bps"])) for fill in shown] == [("F1", Decimal(400))]


async def test_the_prompt_shows_the_summarizers_numbers(reflected: Reflected) -> None:
    await reflected.run()
    prompt = json.loads((await reflected.reasoning())["prompt"]["user_prompt"])
    assert (prompt["summary"]["fill_count"], prompt["summary"]["worst_markout_10s_bps"]) == (3, 400.0)
