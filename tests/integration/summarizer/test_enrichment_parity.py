"""The SQL enrichment and the in-memory one (`mm.domain.fill_enrichment`) agree on the same data.

Random but seeded data with what makes as-of look-ups hard: gaps longer than the staleness limit,
one-sided rows, rows sharing a millisecond, prices with many decimals, horizons past the data.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.clock import SimulatedClock
from mm.domain.bucket_width import BucketWidth
from mm.domain.fill_enrichment import MarkoutSpec
from mm.domain.fill_summary import FillRecord
from mm.domain.side import Side
from tests.summarizer_support.seeding import SummarizerBackend, in_memory_backend, postgres_backend
from tests.summarizer_support.summarizer_behaviour import summarizer

pytestmark = pytest.mark.integration

EXCHANGE = "parity"
SYMBOL = "ETH-USD"
T0 = 1_700_000_000_000
SPEC = MarkoutSpec(max_staleness_ms=1_500)


def _book(rng: random.Random) -> list[tuple[int, Decimal | None, Decimal | None]]:
    rows: list[tuple[int, Decimal | None, Decimal | None]] = []
    ts_ms, mid = T0, Decimal("2500.00")
    for _ in range(400):
        ts_ms += rng.choice([0, 1, 250, 700, 1_400, 4_000])
        mid += Decimal(rng.randint(-30, 30)) / 100
        half = Decimal(rng.randint(1, 7)) / 200
        bid, ask = mid - half, mid + half
        kind = rng.random()
        rows.append((ts_ms, None if kind < 0.05 else bid, None if 0.05 <= kind < 0.1 else ask))
    return rows


def _fills(rng: random.Random, end_ms: int) -> list[FillRecord]:
    return [
        FillRecord(
            exchange=EXCHANGE,
            fill_id=f"p{n:04d}",
            symbol=SYMBOL,
            ts_ms=rng.randint(T0 - 2_000, end_ms + 5_000),
            side=rng.choice([Side.BUY, Side.SELL]),
            price=Decimal(rng.randint(240_000_000, 260_000_000)) / 100_000,
            size=Decimal(rng.randint(1, 500)) / 1000,
            fee=Decimal(rng.randint(-20, 50)) / 10_000,
        )
        for n in range(120)
    ]


async def _seed(backend: SummarizerBackend) -> None:
    rng = random.Random(20241125)
    book = _book(rng)
    for ts_ms, bid, ask in book:
        await backend.seed.add_bbo(EXCHANGE, SYMBOL, ts_ms, bid, ask)
    for fill in _fills(rng, book[-1][0]):
        await backend.seed.add_fill(fill)


@pytest.fixture
async def both(db_engine: AsyncEngine) -> tuple[SummarizerBackend, SummarizerBackend]:
    memory, postgres = in_memory_backend(), postgres_backend(db_engine)
    await _seed(memory)
    await _seed(postgres)
    return memory, postgres


async def test_sql_and_in_memory_enrichment_give_the_same_rows(
    both: tuple[SummarizerBackend, SummarizerBackend],
) -> None:
    enriched = []
    for backend in both:
        await backend.fills.enrich_pending(EXCHANGE, SPEC, limit=1_000)
        enriched.append(await backend.fills.enriched_between(EXCHANGE, SYMBOL, T0 - 10_000, T0 + 10**9))
    memory, postgres = enriched
    assert len(memory) == 120
    assert sum(e.is_complete for e in memory) not in (0, 120)  # the data has both kinds
    assert postgres == memory


async def test_sql_and_in_memory_backends_give_the_same_summaries(
    both: tuple[SummarizerBackend, SummarizerBackend],
) -> None:
    summaries = []
    for backend in both:
        job = summarizer(backend, EXCHANGE, SimulatedClock(T0 + 10**7))
        await job.run_once()
        summaries.append(
            await backend.summaries.summaries_between(EXCHANGE, SYMBOL, BucketWidth.MINUTE, T0 - 10**6, T0 + 10**9)
        )
    memory, postgres = summaries
    assert len(memory) > 2
    assert postgres == memory
