"""A reflection workflow wired to in-memory adapters, with one market's hour of activity seeded."""

from __future__ import annotations

from dataclasses import dataclass

from mm.adapters.clock.simulated import SimulatedClock
from mm.adapters.memory.aggregation_source import InMemoryAggregationSource
from mm.adapters.memory.param_rollout_store import InMemoryParamRolloutStore
from mm.adapters.memory.reasoning_sink import InMemoryReasoningSink
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.domain.param_gate import ParamGate
from mm.domain.proposal import StoredProposal
from mm.domain.reflection_input import HourlyAggregate, WorstFill
from mm.ports.param_advisor import ParamAdvisor
from mm.usecases.reflection.reflect import ReflectionWorkflow
from tests.reflection_data import WINDOW, aggregate, worst_fill

NOW_MS = WINDOW.end_ms + 65_000


@dataclass
class Harness:
    workflow: ReflectionWorkflow
    aggregations: InMemoryAggregationSource
    rollouts: InMemoryParamRolloutStore
    sink: InMemoryReasoningSink
    metrics: PrometheusMetrics
    clock: SimulatedClock

    async def stored(self, symbol: str = "BTC-USD") -> list[StoredProposal]:
        return await self.rollouts.proposals.recent("extended", symbol)

    def seed(
        self,
        symbol: str = "BTC-USD",
        aggregates: tuple[HourlyAggregate, ...] = (aggregate(),),
        fills: tuple[WorstFill, ...] = (worst_fill(),),
    ) -> None:
        for item in aggregates:
            self.aggregations.add_aggregate("extended", symbol, item)
        for fill in fills:
            self.aggregations.add_fill("extended", symbol, fill)


def harness(advisor: ParamAdvisor, *, sink: InMemoryReasoningSink | None = None, seeded: bool = True) -> Harness:
    aggregations = InMemoryAggregationSource()
    rollouts = InMemoryParamRolloutStore()
    metrics = PrometheusMetrics()
    clock = SimulatedClock(NOW_MS)
    sink = sink or InMemoryReasoningSink()
    workflow = ReflectionWorkflow(
        aggregations=aggregations,
        params=rollouts,
        advisor=advisor,
        reasoning=sink,
        proposals=rollouts.proposals,
        clock=clock,
        metrics=metrics,
        gate=ParamGate(),
    )
    built = Harness(workflow, aggregations, rollouts, sink, metrics, clock)
    if seeded:
        built.seed()
    return built
