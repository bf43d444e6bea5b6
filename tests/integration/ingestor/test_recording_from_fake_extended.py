"""End to end: the fake Extended server replays recorded data; the real adapter, recorder and
Postgres writer store it. Every message the server sent ends up in the database exactly once."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from mm.domain.bbo_thinning import BboThinning, BboTrigger
from mm.testing.fake_extended import FakeExtendedServer, StreamKind
from mm.usecases.recording.record_market_data import RecorderConfig
from tests.ingestor_support.frame_tap import FrameTap, TappedFrame
from tests.ingestor_support.recording_run import RecordingRun
from tests.ingestor_support.stored_rows import (
    expected_raw_messages,
    expected_rows,
    rows_of_frame,
    stored_raw_messages,
    stored_row_numbers,
    stored_rows,
)

pytestmark = pytest.mark.integration

DATA = Path("/work/shared/data/binance_usdm_btcusdt_20240808")
EVENTS = 1_500  # recorded rows replayed: about 1,200 best bid/offer changes, 300 trades


async def record_replay(url: str, folder: Path, config: RecorderConfig | None = None) -> list[TappedFrame]:
    """Replay the slice through a frame tap into a recording run; return what the server sent."""
    async with FakeExtendedServer.start() as server, FrameTap(server.stream_url) as tap:
        async with RecordingRun(tap.url, url, folder, config=config) as run:
            await server.streams.wait_for_subscribers(4, timeout_s=20)
            await server.replay(DATA, limit=EVENTS)
            await server.market.push_trade("60000", "0.5", "SELL", trade_type="LIQUIDATION")
            await run.wait_for_frames_settled(tap)
        return list(tap.frames)


async def test_every_message_sent_is_stored_exactly_once(clean_database_url: str, tmp_path: Path) -> None:
    frames = await record_replay(clean_database_url, tmp_path)

    expected = expected_rows(frames)
    assert sum(expected.values()) > 3 * EVENTS // 2  # mark and index follow each best bid/offer change
    assert stored_rows(clean_database_url) == expected
    assert stored_raw_messages(clean_database_url) == expected_raw_messages(frames)
    assert stored_row_numbers(clean_database_url) == list(range(1, sum(expected.values()) + 1))


def price_change_every_5ms(bbo_frames: list[TappedFrame]) -> list[tuple[Decimal | None, ...]]:
    """The rule restated: a price differs from the last stored row's and 5 ms of exchange time passed."""
    kept: list[tuple[Decimal | None, ...]] = []
    last: tuple[int, tuple[Decimal | None, ...]] | None = None
    for frame in bbo_frames:
        (row,) = rows_of_frame(frame)
        ts_ms, prices = row[2], (row[4], row[6])
        if last is None or (prices != last[1] and ts_ms - last[0] >= 5):
            kept.append(row)
            last = (ts_ms, prices)
    return kept


async def test_with_thinning_the_stored_best_bid_offer_rows_follow_the_rule(
    clean_database_url: str, tmp_path: Path
) -> None:
    rule = BboThinning(BboTrigger.PRICE_CHANGE, min_interval_ms=5)
    frames = await record_replay(clean_database_url, tmp_path, RecorderConfig({"BTC-USD": rule}))

    bbo_frames = sorted((f for f in frames if "/orderbooks/" in f.path), key=lambda f: json.loads(f.text)["seq"])
    kept = price_change_every_5ms(bbo_frames)
    stored = stored_rows(clean_database_url)
    assert Counter({row: n for row, n in stored.items() if row[0] == "md_bbo"}) == Counter(kept)
    assert 0 < len(kept) < len(bbo_frames) // 2
    others = expected_rows([f for f in frames if "/orderbooks/" not in f.path])
    assert Counter({row: n for row, n in stored.items() if row[0] != "md_bbo"}) == others


async def test_a_dropped_connection_loses_nothing_that_was_sent_and_its_gap_is_recorded(
    clean_database_url: str, tmp_path: Path
) -> None:
    async with FakeExtendedServer.start() as server, FrameTap(server.stream_url) as tap:
        async with RecordingRun(tap.url, clean_database_url, tmp_path) as run:
            await server.streams.wait_for_subscribers(4, timeout_s=20)
            await server.replay(DATA, limit=EVENTS // 2)
            await run.wait_for_frames_settled(tap)
            server.faults.drop_streams(StreamKind.TRADES)
            await server.streams.wait_for_connections_opened(5, timeout_s=20)
            await server.replay(DATA, limit=EVENTS // 2)
            await run.wait_for_frames_settled(tap)
        frames = list(tap.frames)

    assert stored_rows(clean_database_url) == expected_rows(frames)
    assert any(row[0] == "md_trade" and row[-1] for row in stored_rows(clean_database_url))  # the history resent
    with psycopg.connect(clean_database_url) as conn:
        gaps = conn.execute("SELECT stream, kind, to_ts > from_ts FROM md_gap").fetchall()
    assert gaps == [("trades", "disconnected", True)]
