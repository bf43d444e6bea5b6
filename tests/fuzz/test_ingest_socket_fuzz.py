"""Seeded fuzz of `mm ingest` over real sockets: mutated fixture frames from the fake Extended server into the app.

`mm ingest` runs as its own process against the fake server (its production wiring: the market's
tick and step bound the feed). The fuzz sends `MM_SOCKET_FUZZ_FRAMES` mutated market frames (the
mapping fuzz's mutator, labelled good or bad) on the app's four BTC-USD streams, then stops it with
SIGTERM and checks: no unhandled exception and the app ran until told to stop (exit 0), every good
frame stored exactly once (its raw text, once), no bad frame stored, and the app's malformed count
equal to the injected bad count.

Frames are made to fit a live connection: each takes the connection's next seq (a frame that will
not decode takes none, as the venue's would not), and its times move to now plus its own
millisecond, so every message is a different venue message. Mutations of the seq itself that
leave it valid are left to the mapping fuzz: here they would only force reconnects.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg
import pytest

from mm.adapters.extended.frames import decode_frame
from mm.ports.errors import MalformedMessage
from mm.testing.fake_extended import FakeExtendedServer, StreamKind
from mm.testing.fake_extended.stream_hub import Subscriber
from tests.fuzz.extended_frame_mutator import FrameKind, FrameMutator, MutatedFrame

pytestmark = pytest.mark.integration

SEED = int(os.environ.get("MM_FUZZ_SEED", "20260114"))
FRAMES = int(os.environ.get("MM_SOCKET_FUZZ_FRAMES", "1200"))
TIME_LIMIT_S = 90.0
SYMBOL = "BTC-USD"
_STREAMS = {
    FrameKind.BBO: StreamKind.BBO,
    FrameKind.TRADES: StreamKind.TRADES,
    FrameKind.MARK: StreamKind.MARK,
    FrameKind.INDEX: StreamKind.INDEX,
}
_TIME_CLASSES = ("frame_ts", "record_ts", "price_ts")
_EPOCH_MS_RANGE = (10**12, 2**62)  # real times are moved; 0, -1, text and far-out values stay as they are


def _node(body: Any, path: str) -> tuple[Any, Any] | None:
    """The container holding dotted `path` and its key or index there, or None when the path is gone."""
    parent: Any = None
    key: Any = None
    node = body
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            parent, key = node, part
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            parent, key = node, int(part)
        else:
            return None
        node = parent[key]
    return parent, key


def live_text(mutated: MutatedFrame, shift_ms: int, subscriber: Subscriber) -> tuple[str, bool]:
    """The frame as the live connection sends it, and whether it takes a seq (it decodes)."""
    try:
        body = json.loads(mutated.raw)
    except (ValueError, RecursionError):
        return mutated.raw, False
    if not isinstance(body, dict):
        return mutated.raw, False
    for path, field_class in mutated.base.fields.items():
        located = _node(body, path) if any(name in field_class for name in _TIME_CLASSES) else None
        if located is not None:
            parent, key = located
            value = parent[key]
            if type(value) is int and _EPOCH_MS_RANGE[0] <= value < _EPOCH_MS_RANGE[1]:
                parent[key] = value + shift_ms
    if "seq" in body and not any(name.startswith("seq:") for name in mutated.mutations):
        body["seq"] = subscriber.seq + 1
    text = json.dumps(body)
    try:
        decode_frame(text)
    except MalformedMessage:
        return text, False
    return text, True


def next_frame(mutator: FrameMutator) -> MutatedFrame:
    """A market frame (the ingestor has no account stream) whose seq, if mutated, no longer decodes."""
    while True:
        mutated = mutator.frame()
        if mutated.base.kind is FrameKind.ACCOUNT:
            continue
        if any(name in ("seq:other_seq", "seq:largest_int64") for name in mutated.mutations):
            continue
        return mutated


def scrape(port: int) -> dict[str, float]:
    """The app's counters of its BTC-USD streams, summed by name."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
            text = response.read().decode()
    except OSError:
        return {}
    totals: Counter[str] = Counter()
    for line in text.splitlines():
        if line.startswith("#") or " " not in line:
            continue
        name, value = line.rsplit(" ", 1)
        totals[name.split("{", 1)[0]] += float(value)
    return dict(totals)


def stored_raws(url: str) -> Counter[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT raw FROM md_bbo WHERE raw IS NOT NULL UNION ALL SELECT raw FROM md_trade WHERE raw IS NOT NULL "
            "UNION ALL SELECT raw FROM md_price WHERE raw IS NOT NULL"
        ).fetchall()
    return Counter(raw for (raw,) in rows)


async def wait_until(condition: Any, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not await asyncio.to_thread(condition):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(0.1)


async def test_mutated_frames_over_the_sockets_never_stop_mm_ingest_and_good_ones_are_stored_once(
    clean_database_url: str, tmp_path: Path, unused_tcp_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    mutator = FrameMutator(SEED)
    counts: Counter[str] = Counter()
    good_texts: Counter[str] = Counter()
    async with FakeExtendedServer.start(price_derivation=None) as server:
        env = {
            **{
                k: v for k, v in os.environ.items() if not k.startswith(("EXTENDED_", "SYMBOL", "DATABASE_URL", "BBO_"))
            },
            "SYMBOL": SYMBOL,
            "DATABASE_URL": clean_database_url,
            "MM_HOME": str(tmp_path),
            "EXTENDED_STREAM_URL": server.stream_url,
            "EXTENDED_API_URL": server.rest_url,
            "METRICS_PORT": str(unused_tcp_port),
            "LOG_LEVEL": "WARNING",
        }
        log_path = tmp_path / "ingest.log"
        with log_path.open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "mm.apps.cli", "ingest", env=env, cwd=tmp_path, stdout=log, stderr=log
            )
            try:
                await server.streams.wait_for_subscribers(4, timeout_s=30)
                subscribers = {kind: server.streams.subscribers(kind, SYMBOL)[0] for kind in _STREAMS.values()}
                initial = sum(s.frames_sent for s in subscribers.values())
                now_ms = int(time.time() * 1000)
                for index in range(FRAMES):
                    mutated = next_frame(mutator)
                    subscriber = subscribers[_STREAMS[mutated.base.kind]]
                    text, takes_seq = live_text(mutated, now_ms - mutated.received_ts_ms + index, subscriber)
                    if takes_seq:
                        subscriber.seq += 1
                    subscriber.send_raw(text)
                    counts["injected bad" if mutated.is_bad else "injected good"] += 1
                    if not mutated.is_bad:
                        good_texts[text] += 1
                    if index % 50 == 49:
                        await asyncio.sleep(0.02)  # a live feed's pace, in bursts
                sent = initial + FRAMES
                await wait_until(
                    lambda: scrape(unused_tcp_port).get("mm_extended_stream_messages_total", 0) >= sent,
                    60,
                    f"mm ingest to receive {sent} messages",
                )
                metrics = scrape(unused_tcp_port)
                for subscriber in server.streams.subscribers():
                    counts["connections still the first"] += subscriber in subscribers.values()
                assert process.returncode is None, "mm ingest stopped before it was told to"
                process.send_signal(signal.SIGTERM)
                exit_code = await asyncio.wait_for(process.wait(), 60)
            finally:
                if process.returncode is None:
                    process.kill()
    output = log_path.read_text(errors="replace")
    stored = stored_raws(clean_database_url)
    counts["malformed"] = int(metrics.get("mm_extended_stream_malformed_total", 0))
    counts["messages received"] = int(metrics.get("mm_extended_stream_messages_total", 0))
    counts["good frames stored once"] = sum(1 for text, n in good_texts.items() if stored[text] == n)
    elapsed_s = time.monotonic() - started
    with capsys.disabled():
        summary = ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
        print(f"\nsocket fuzz seed {SEED}: {FRAMES} frames into mm ingest in {elapsed_s:.1f} s: {summary}")  # noqa: T201

    assert exit_code == 0, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    assert counts["connections still the first"] == 4  # no frame forced a reconnect (a gap)
    assert counts["malformed"] == counts["injected bad"]
    unexpected = {text[:200]: n for text, n in stored.items() if good_texts[text] != n}
    assert len([t for t in stored if t not in good_texts]) <= initial  # only the server's own snapshot frames
    assert counts["good frames stored once"] == len(good_texts), list(unexpected.items())[:5]
    assert elapsed_s < TIME_LIMIT_S
