"""Resident memory of `mm ingest` and `mm trade` over a long, fast replay against the fake Extended server.

The fake server runs in this process and replays a recording at `--speed` times real time: by
default the one shipped with `mm` (`src/mm/data/`), looped with its times shifted so they keep
increasing and its prices by `--drift-per-pass` (a live market keeps showing new prices, and a
cache of values seen would never fill on a loop of the same ones), or the data sets given with
`--data` (replayed in order, then looped the same way).
Each app runs as a child process pointed at the fake; its RSS (`VmRSS` of `/proc/<pid>/status`)
is sampled every `--sample-s`. Printed per app: RSS at the end of `--warm-up-s` and at the end of
`--duration-s`, the lowest and highest sample after warm-up, and the least-squares slope after
warm-up in MB per 10 minutes. The goal is flat: within a few MB after warm-up.

Needs a database at head: `DATABASE_URL` (or `--database-url`), e.g. after `mm db upgrade`.
Linux only (reads /proc).

Run: `python benchmarks/bench_app_memory.py [--app ingest|trade|both] [--speed 5] [--duration-s 1200]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import aiohttp

import mm
from mm.testing.fake_extended import FakeExtendedServer
from mm.testing.fake_extended.replay import RecordedBbo, RecordedEvent, Replayer, recorded_events
from mm.testing.fake_extended.wall_clock import WallClock

SHIPPED_DATA = Path(mm.__file__).parent / "data" / "binance_usdm_btcusdt_20240808_3min"
TRADE_PARAMS = {"order_size": 0.001, "max_position": 0.01, "hard_max_position": 0.02}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", choices=("ingest", "trade", "both"), default="both")
    parser.add_argument("--data", type=Path, nargs="*", default=[SHIPPED_DATA], help="recording prefixes, in order")
    parser.add_argument("--drift-per-pass", type=Decimal, default=Decimal(10), help="price shift of each loop")
    parser.add_argument("--speed", type=float, default=5.0, help="times real time (5: ~1,300 events/s by default)")
    parser.add_argument("--duration-s", type=float, default=1200.0, help="per app, warm-up included")
    parser.add_argument("--warm-up-s", type=float, default=300.0)
    parser.add_argument("--sample-s", type=float, default=10.0)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("set DATABASE_URL (a database at head) or pass --database-url")
    if args.warm_up_s >= args.duration_s:
        parser.error("--warm-up-s must be shorter than --duration-s")
    return args


def looped(prefixes: Sequence[Path], drift_per_pass: Decimal) -> Iterator[RecordedEvent]:
    """The recordings in order, again and again, each pass 1 s after the last and `drift_per_pass` higher."""
    shift_ms, drift = 0, Decimal(0)
    first_ts_ms: int | None = None
    while True:
        last_ts_ms: int | None = None
        for prefix in prefixes:
            for event in recorded_events(prefix):
                first_ts_ms = event.ts_ms if first_ts_ms is None else first_ts_ms
                last_ts_ms = event.ts_ms + shift_ms
                yield drifted(event, last_ts_ms, drift)
        if first_ts_ms is None or last_ts_ms is None:
            raise ValueError("the recordings hold no events")
        shift_ms, drift = last_ts_ms + 1_000 - first_ts_ms, drift + drift_per_pass


def drifted(event: RecordedEvent, ts_ms: int, drift: Decimal) -> RecordedEvent:
    if isinstance(event, RecordedBbo):
        return replace(event, ts_ms=ts_ms, bid_px=event.bid_px + drift, ask_px=event.ask_px + drift)
    return replace(event, ts_ms=ts_ms, px=event.px + drift)


def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        return None
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def queue_depth(port: int) -> str:
    """The ingestor's writer backlog from its /metrics ("-" when unreadable): growth there is a backlog, not a leak."""
    try:
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/metrics") as response:
            text = await response.text()
    except aiohttp.ClientError:
        return "-"
    for line in text.splitlines():
        if "ingest_queue_depth" in line and not line.startswith("#"):
            return line.rsplit(" ", 1)[-1]
    return "-"


def app_env(app: str, server: FakeExtendedServer, database_url: str, home: Path, metrics_port: int) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("EXTENDED_", "DATABASE_URL", "SYMBOL"))}
    env = {
        **kept,
        "DATABASE_URL": database_url,
        "SYMBOL": server.market.name,
        "MM_HOME": str(home),
        "LOG_LEVEL": "WARNING",
        "EXTENDED_API_URL": server.rest_url,
        "EXTENDED_STREAM_URL": server.stream_url,
        "METRICS_PORT": str(metrics_port),
    }
    if app == "trade":
        credentials = server.credentials
        env |= {
            "EXTENDED_API_KEY": credentials.api_key,
            "EXTENDED_STARK_PRIVATE_KEY": credentials.private_key_hex,
            "EXTENDED_STARK_PUBLIC_KEY": credentials.public_key_hex,
            "EXTENDED_VAULT_ID": str(credentials.vault),
            "STRATEGY_PARAMS": json.dumps(TRADE_PARAMS),
            "PROPOSAL_CHECK_INTERVAL_S": "0",
        }
    return env


def slope_mb_per_10_min(samples: Sequence[tuple[float, float]]) -> float:
    n = len(samples)
    mean_t = sum(t for t, _ in samples) / n
    mean_r = sum(r for _, r in samples) / n
    var_t = sum((t - mean_t) ** 2 for t, _ in samples)
    if var_t == 0:
        return 0.0
    return sum((t - mean_t) * (r - mean_r) for t, r in samples) / var_t * 600


async def measure(app: str, args: argparse.Namespace, home: Path) -> dict[str, float]:
    async with FakeExtendedServer.start() as server:
        metrics_port = free_port()
        replayer = Replayer(server.market, WallClock(), speed=args.speed)
        replay = asyncio.get_running_loop().create_task(replayer.run(looped(args.data, args.drift_per_pass)))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "mm.apps.cli", app,
            env=app_env(app, server, args.database_url, home, metrics_port),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        started = time.monotonic()
        samples: list[tuple[float, float]] = []
        try:
            while (elapsed := time.monotonic() - started) < args.duration_s:
                await asyncio.sleep(args.sample_s)
                if process.returncode is not None:
                    raise RuntimeError(f"mm {app} exited early with {process.returncode}")
                rss = rss_mb(process.pid)
                if rss is not None:
                    samples.append((elapsed, rss))
                    backlog = await queue_depth(metrics_port) if app == "ingest" else "-"
                    print(f"  mm {app}: {elapsed:7.0f} s  RSS {rss:7.1f} MB  writer queue {backlog}", flush=True)
        finally:
            if process.returncode is None:
                process.terminate()
                await process.wait()
            replay.cancel()
            await asyncio.gather(replay, return_exceptions=True)
        after_warm_up = [(t, r) for t, r in samples if t >= args.warm_up_s]
        events_per_s = replayer.replayed / (time.monotonic() - started)
    return {
        "start_mb": after_warm_up[0][1],
        "end_mb": after_warm_up[-1][1],
        "min_mb": min(r for _, r in after_warm_up),
        "max_mb": max(r for _, r in after_warm_up),
        "slope": slope_mb_per_10_min(after_warm_up),
        "events_per_s": events_per_s,
    }


async def main(args: argparse.Namespace) -> None:
    apps = ("ingest", "trade") if args.app == "both" else (args.app,)
    home = Path(os.environ.get("TMPDIR", "/tmp")) / f"mm-bench-memory-{os.getpid()}"
    print(f"replay of {', '.join(p.name for p in args.data)} at {args.speed:g}x, {args.duration_s:.0f} s per app")
    results = {app: await measure(app, args, home) for app in apps}
    print(
        f"\n{'app':<10}{'events/s':>9}{'RSS at warm-up':>16}{'RSS at end':>12}{'min':>8}{'max':>8}{'MB / 10 min':>13}"
    )
    for app, r in results.items():
        print(
            f"mm {app:<7}{r['events_per_s']:>9.0f}{r['start_mb']:>13.1f} MB{r['end_mb']:>9.1f} MB"
            f"{r['min_mb']:>8.1f}{r['max_mb']:>8.1f}{r['slope']:>+13.2f}"
        )


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
