"""What each page reads, composed from the stores the other apps already use: one object per page's content.

The live page reuses `mm status`'s read model and adds recent series; quality reads the summarizer's
aggregates and worst fills through their stores; the learning loop the reflector's proposals, their
reasoning files and the executor's rollouts; backtests the stored runs. Nothing here writes.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mm.adapters.files.reasoning_sink import FileReasoningSink
from mm.adapters.postgres.backtest_run_store import PostgresBacktestRunStore
from mm.adapters.postgres.dashboard_reader import PostgresDashboardReader
from mm.adapters.postgres.param_proposal_store import PostgresParamProposalStore
from mm.adapters.postgres.param_rollout_store import PostgresParamRolloutStore
from mm.adapters.postgres.status_reader import PostgresStatusReader
from mm.adapters.postgres.summary.bucket_summary_store import PostgresBucketSummaryStore
from mm.adapters.postgres.summary.fill_enrichment_store import PostgresFillEnrichmentStore
from mm.domain.backtest_run import BacktestRunRecord
from mm.domain.bucket_summary import BucketSummary
from mm.domain.bucket_width import BucketWidth
from mm.domain.fill_summary import EnrichedFill
from mm.domain.live_market import LiveView
from mm.domain.proposal import StoredProposal
from mm.domain.rollout import RolloutRecord
from mm.ports.errors import RecordNotFound

_HOUR_MS = 3_600_000


@dataclass(frozen=True, slots=True)
class QualityView:
    """One market's aggregates over a span (per minute and per hour, oldest first) and its worst fills."""

    symbol: str
    start_ms: int
    end_ms: int
    minutes: tuple[BucketSummary, ...]
    hours: tuple[BucketSummary, ...]
    worst_fills: tuple[EnrichedFill, ...]


@dataclass(frozen=True, slots=True)
class ReasoningDocument:
    """A proposal's reasoning file as read now: its JSON (None if unreadable) and whether its sha256 matches."""

    path: str
    document: dict[str, Any] | None
    is_intact: bool
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class LearningView:
    """One market's proposals (newest first) and rollouts (newest first)."""

    symbol: str
    proposals: tuple[StoredProposal, ...]
    rollouts: tuple[RolloutRecord, ...]


@dataclass(frozen=True, slots=True)
class DashboardReadModel:
    """Every page's reads. Build it by hand with the stores, or let the app's container do it."""

    exchange: str
    symbols: Sequence[str]
    window_ms: int
    status: PostgresStatusReader
    series: PostgresDashboardReader
    buckets: PostgresBucketSummaryStore
    enrichment: PostgresFillEnrichmentStore
    proposals: PostgresParamProposalStore
    rollouts: PostgresParamRolloutStore
    backtests: PostgresBacktestRunStore
    reasoning: FileReasoningSink

    async def markets(self) -> list[str]:
        """The markets shown: `SYMBOL`'s, or every market the database knows."""
        return list(self.symbols) or await self.status.known_symbols()

    async def live(self, now_ms: int) -> LiveView:
        """Status and series read at once, each on its own pooled connection: a refresh waits for the slower."""
        markets = await self.markets()
        status, series = await asyncio.gather(
            self.status.read(markets, now_ms),
            asyncio.gather(*(self.series.series(symbol, now_ms - self.window_ms, now_ms) for symbol in markets)),
        )
        return LiveView(status=status, series=tuple(series))

    async def quality(self, symbol: str, now_ms: int, *, hours: int = 24, worst: int = 10) -> QualityView:
        start_ms = now_ms - hours * _HOUR_MS
        minutes = await self.buckets.summaries_between(self.exchange, symbol, BucketWidth.MINUTE, start_ms, now_ms + 1)
        by_hour = await self.buckets.summaries_between(self.exchange, symbol, BucketWidth.HOUR, start_ms, now_ms + 1)
        worst_fills = await self.enrichment.worst_fills(self.exchange, start_ms, now_ms + 1, limit=worst, symbol=symbol)
        return QualityView(symbol, start_ms, now_ms, tuple(minutes), tuple(by_hour), tuple(worst_fills))

    async def learning(self, symbol: str, *, limit: int = 50) -> LearningView:
        proposals = await self.proposals.recent(self.exchange, symbol, limit=limit)
        rollouts = await self.rollouts.history(self.exchange, symbol, limit=limit)
        return LearningView(symbol, tuple(proposals), tuple(rollouts))

    async def proposal(self, proposal_id: str) -> tuple[StoredProposal, ReasoningDocument]:
        """A proposal and its reasoning file; `RecordNotFound` for an unknown id."""
        stored = await self.proposals.get(proposal_id)
        if stored is None or stored.exchange != self.exchange:
            raise RecordNotFound(f"no proposal {proposal_id}")
        return stored, await self._reasoning(stored)

    async def _reasoning(self, stored: StoredProposal) -> ReasoningDocument:
        try:
            data = await self.reasoning.read(stored.reasoning_path)
        except RecordNotFound as error:
            return ReasoningDocument(stored.reasoning_path, None, is_intact=False, problem=str(error))
        is_intact = hashlib.sha256(data).hexdigest() == stored.reasoning_sha256
        try:
            document = json.loads(data)
        except ValueError:
            return ReasoningDocument(stored.reasoning_path, None, is_intact=is_intact, problem="not JSON")
        problem = None if is_intact else "the file changed since the proposal stored its sha256"
        return ReasoningDocument(stored.reasoning_path, document, is_intact=is_intact, problem=problem)

    async def backtest_runs(self, *, limit: int = 100) -> list[BacktestRunRecord]:
        return await self.backtests.recent(limit)

    async def backtest(self, run_id: int) -> BacktestRunRecord:
        """One run with its fills and modes; `RecordNotFound` for an unknown id."""
        return await self.backtests.get(run_id)
