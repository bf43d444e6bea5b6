"""A reflection workflow on the in-memory summary stores, with one market's hour of activity stored in them.

The workflow reads the same `InMemoryBucketSummaryStore` and `InMemoryFillEnrichmentStore` an
in-memory `Summarizer` writes; the seed goes in through those stores' own write paths.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from mm.adapters.clock.simulated import SimulatedClock
from mm.adapters.memory.param_rollout_store import InMemoryParamRolloutStore
from mm.adapters.memory.reasoning_sink import InMemoryReasoningSink
from mm.adapters.memory.reflection_outcome_store import InMemoryReflectionOutcomeStore
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.domain.bucket_summary import BucketSummary
from mm.domain.fill_summary import EnrichedFill
from mm.domain.param_gate import ParamGate
from mm.domain.proposal import StoredProposal
from mm.domain.reflection_evidence import EvidencePolicy
from mm.ports.param_advisor import ParamAdvisor
from mm.usecases.reflection.reflect import ReflectionWorkflow
from tests.reflection_data import WINDOW, aggregate, worst_fill
from tests.summarizer_support.enriched_fills import store_enriched
from tests.summarizer_support.seeding import SummarizerBackend, in_memory_backend

NOW_MS = WINDOW.end_ms + 65_000


@dataclass
class Harness:
    workflow: ReflectionWorkflow
    backend: SummarizerBackend
    rollouts: InMemoryParamRolloutStore
    sink: InMemoryReasoningSink
    metrics: PrometheusMetrics
    clock: SimulatedClock
    outcomes: InMemoryReflectionOutcomeStore

    async def stored(self, symbol: str = "BTC-USD") -> list[StoredProposal]:
        return await self.rollouts.proposals.recent("extended", symbol)

    async def seed(
        self,
        symbol: str = "BTC-USD",
        aggregates: tuple[BucketSummary, ...] = (aggregate(),),
        fills: tuple[EnrichedFill, ...] | None = None,
    ) -> None:
        """Store the market's summaries and enrich its fills (by default one of its own), as the summarizer would."""
        await self.backend.summaries.upsert([replace(item, symbol=symbol) for item in aggregates])
        if fills is None:
            fills = (worst_fill(f"{symbol}-f-1", symbol=symbol),)
        await store_enriched(self.backend, [replace(f, fill=replace(f.fill, symbol=symbol)) for f in fills])


LENIENT_EVIDENCE = EvidencePolicy(min_fills=1, min_quoting_s=0)
"""The seed's one fill is evidence enough, so tests of later steps reach the advisor."""


async def harness(
    advisor: ParamAdvisor,
    *,
    sink: InMemoryReasoningSink | None = None,
    seeded: bool = True,
    evidence: EvidencePolicy = LENIENT_EVIDENCE,
) -> Harness:
    backend = in_memory_backend()
    outcomes = InMemoryReflectionOutcomeStore()
    rollouts = InMemoryParamRolloutStore()
    metrics = PrometheusMetrics()
    clock = SimulatedClock(NOW_MS)
    sink = sink or InMemoryReasoningSink()
    workflow = ReflectionWorkflow(
        summaries=backend.summaries,
        fills=backend.fills,
        params=rollouts,
        advisor=advisor,
        reasoning=sink,
        proposals=rollouts.proposals,
        outcomes=outcomes,
        clock=clock,
        metrics=metrics,
        gate=ParamGate(),
        evidence=evidence,
    )
    built = Harness(workflow, backend, rollouts, sink, metrics, clock, outcomes)
    if seeded:
        await built.seed()
    return built
