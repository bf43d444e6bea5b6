"""Seeded fuzz of `mm trade` over the fake's sockets: mutated fixture frames on every stream it reads.

Frames mutated from the fixtures (truncation, wrong types, missing fields, nulls, huge, negative,
NaN and infinite numbers, crossed books, out-of-range ts and seq, outlier prices) go into the
running app's best bid/offer, trades, mark, index and account streams, between the fake's own
fresh books. Asserted: `mm trade` keeps running, logs no unhandled exception, sends no order
outside the sanity band around the market, and stops flat on SIGTERM. `MM_FUZZ_SEED` and
`MM_TRADE_FUZZ_FRAMES` explore beyond the CI defaults.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import random
import time
from collections import Counter
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest

from mm.testing.fake_extended import FakeExtendedServer
from mm.testing.fake_extended.stream_hub import StreamKind
from tests.fuzz.extended_frame_mutator import FrameKind, MutatedFrame
from tests.fuzz.live_frames import LiveFrameMutator

from .conftest import SYMBOL, LiveMarket, eventually, quotes_on_both_sides
from .test_trade_process import PARAMS, QUOTING_S, TradeProcess

pytestmark = pytest.mark.integration

SEED = int(os.environ.get("MM_FUZZ_SEED", "20260114"))
FRAMES = int(os.environ.get("MM_TRADE_FUZZ_FRAMES", "1000"))
FUZZ_TIME_LIMIT_S = 60.0
# The fixtures' market: best bid/offer 82588 / 82590, as bbo.json has it.
BID, ASK = 82_588, 82_590
MID = Decimal(BID + ASK) / 2
BAND_BPS = 100
OUTLIER_HOLD_S = 0.2
STREAMS = {
    FrameKind.BBO: (StreamKind.BBO, 0.4),
    FrameKind.TRADES: (StreamKind.TRADES, 0.2),
    FrameKind.MARK: (StreamKind.MARK, 0.15),
    FrameKind.INDEX: (StreamKind.INDEX, 0.15),
    FrameKind.ACCOUNT: (StreamKind.ACCOUNT, 0.1),  # position frames pause it until the next REST re-sync
}


@pytest.fixture
async def market() -> AsyncIterator[LiveMarket]:
    async with FakeExtendedServer.start() as running:
        live = LiveMarket(running, bid=BID, ask=ASK)
        live.start()
        try:
            yield live
        finally:
            await live.stop()


def build_frame(mutator: LiveFrameMutator, kind: FrameKind, built: list[MutatedFrame], seq: int) -> str:
    """The text of the next mutated frame of `kind` under `seq`; the frame is kept in `built`."""
    mutated = mutator.live_frame(kind, int(time.time() * 1000), seq)
    built.append(mutated)
    return mutated.raw


async def send_mutated_frames(market: LiveMarket, counts: Counter[str]) -> None:
    """Send FRAMES mutated frames, one every few milliseconds, each on its kind's stream.

    An outlier book is left the latest one for `OUTLIER_HOLD_S` (the fake's own books held back),
    as a lone bad frame on a quiet market is: long enough for the engine to tick on it.
    """
    server = market.server
    mutator = LiveFrameMutator(SEED, frozenset(STREAMS))
    choose = random.Random(SEED)
    kinds, weights = list(STREAMS), [weight for _, weight in STREAMS.values()]
    while counts["sent"] < FRAMES:
        kind = choose.choices(kinds, weights)[0]
        stream_kind = STREAMS[kind][0]
        while not (
            subscribers := server.streams.subscribers(stream_kind, None if kind is FrameKind.ACCOUNT else SYMBOL)
        ):
            counts["waits for a reconnect"] += 1  # after a gap the fuzz caused; the same kind goes next
            await asyncio.sleep(0.01)

        frames: list[MutatedFrame] = []
        subscribers[0].send_text(functools.partial(build_frame, mutator, kind, frames))
        if not frames:  # a stalled connection takes nothing
            continue
        is_outlier = "outlier" in frames[0].mutations
        counts.update(("sent", kind.value, "bad" if frames[0].is_bad else "good", *(("outlier",) * is_outlier)))
        if is_outlier:
            market.is_paused = True
            await asyncio.sleep(OUTLIER_HOLD_S)
            market.is_paused = False
        await asyncio.sleep(0.004)


async def test_mutated_frames_on_every_stream_neither_stop_mm_trade_nor_price_an_order_outside_the_band(
    market: LiveMarket, clean_database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = market.server
    params = json.dumps({**PARAMS, "max_order_deviation_bps": BAND_BPS})
    trade = TradeProcess(server, clean_database_url, tmp_path / "trade.log", STRATEGY_PARAMS=params)
    counts: Counter[str] = Counter()
    await trade.start()
    try:
        await eventually(lambda: quotes_on_both_sides(server), QUOTING_S, "quotes on both sides")
        started = time.perf_counter()
        await send_mutated_frames(market, counts)
        elapsed_s = time.perf_counter() - started
        await asyncio.sleep(2.0)
        assert trade.process is not None
        is_running = trade.process.returncode is None
        exit_code = await trade.terminate()
    finally:
        await trade.ensure_gone()
    orders = server.exchange.received_orders
    outside = [(o.side, o.price) for o in orders if abs(o.price - MID) / MID * 10_000 > BAND_BPS]
    with capsys.disabled():
        summary = ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
        print(  # noqa: T201 - CI shows the counts
            f"\nmm trade fuzz seed {SEED}: {summary} in {elapsed_s:.1f} s; {len(orders)} orders sent, "
            f"{len(outside)} outside {BAND_BPS} bps"
        )
    assert is_running, "mm trade stopped during the fuzz"
    assert exit_code == 0
    assert server.resting_orders(SYMBOL) == []
    assert outside == []
    assert not trade.events("executor_failed")
    assert "Traceback" not in trade.output
    assert elapsed_s < FUZZ_TIME_LIMIT_S
