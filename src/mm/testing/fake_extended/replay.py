"""Replays a recorded data set (the shared CSV format) into a `FakeMarket` at a chosen speed.

`<prefix>.bbo.csv[.gz]` and `<prefix>.trades.csv[.gz]` are merged by `ts_ms` (best bid/offer first
on ties) and streamed, not loaded whole. speed 0 replays as fast as the event loop allows, 1.0 in
real time, 50 at fifty times real time. Recorded times drive the market clock (throttles, spikes);
frames carry the server's wall time, so a replay looks live to its clients.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from mm.adapters.files.recorded_csv import read_recording
from mm.ports.clock import Clock
from mm.testing.fake_extended.market import FakeMarket

YIELD_EVERY_EVENTS = 64  # at speed 0, let socket tasks run this often so clients keep up


@dataclass(frozen=True, slots=True)
class RecordedBbo:
    ts_ms: int
    bid_px: Decimal
    bid_sz: Decimal
    ask_px: Decimal
    ask_sz: Decimal


@dataclass(frozen=True, slots=True)
class RecordedTrade:
    ts_ms: int
    px: Decimal
    sz: Decimal
    side: str


RecordedEvent = RecordedBbo | RecordedTrade


def recording_files(prefix: Path) -> tuple[Path | None, Path | None]:
    """The bbo and trades files of a data set (either may be missing, not both)."""

    def first_existing(kind: str) -> Path | None:
        for suffix in (f".{kind}.csv.gz", f".{kind}.csv"):
            candidate = prefix.with_name(prefix.name + suffix)
            if candidate.exists():
                return candidate
        return None

    bbo, trades = first_existing("bbo"), first_existing("trades")
    if bbo is None and trades is None:
        raise FileNotFoundError(f"no {prefix}.bbo.csv[.gz] or {prefix}.trades.csv[.gz]")
    return bbo, trades


def _bbo_rows(path: Path) -> Iterator[tuple[int, int, RecordedEvent]]:
    for _, ts_ms, fields in read_recording(path):
        yield ts_ms, 0, RecordedBbo(ts_ms, *(Decimal(f) for f in fields[1:5]))


def _trade_rows(path: Path) -> Iterator[tuple[int, int, RecordedEvent]]:
    for _, ts_ms, fields in read_recording(path):
        yield ts_ms, 1, RecordedTrade(ts_ms, Decimal(fields[1]), Decimal(fields[2]), fields[3].upper())


def recorded_events(prefix: Path) -> Iterator[RecordedEvent]:
    """All events of a data set in time order."""
    bbo, trades = recording_files(prefix)
    sources = []
    if bbo is not None:
        sources.append(_bbo_rows(bbo))
    if trades is not None:
        sources.append(_trade_rows(trades))
    for _, _, event in heapq.merge(*sources, key=lambda row: (row[0], row[1])):
        yield event


def repeated_events(prefix: Path) -> Iterator[RecordedEvent]:
    """The data set over and over, each pass shifted in time to follow the last, so the clock never goes back.

    The book jumps from the set's last prices to its first at each seam, as it would after a short outage.
    """
    offset_ms = 0
    while True:
        first_ts_ms: int | None = None
        last_ts_ms = 0
        for event in recorded_events(prefix):
            first_ts_ms = event.ts_ms if first_ts_ms is None else first_ts_ms
            last_ts_ms = event.ts_ms
            yield replace(event, ts_ms=event.ts_ms + offset_ms)
        if first_ts_ms is None:
            return
        offset_ms += last_ts_ms - first_ts_ms + 1


class Replayer:
    """Paces recorded events into one market; `run()` returns how many were replayed."""

    def __init__(self, market: FakeMarket, clock: Clock, *, speed: float = 0.0) -> None:
        if speed < 0:
            raise ValueError("speed must be 0 (as fast as possible) or positive")
        self._market = market
        self._clock = clock
        self._speed = speed
        self.replayed = 0

    async def run(self, events: Iterator[RecordedEvent], *, limit: int | None = None) -> int:
        first_ts_ms: int | None = None
        started_ms = self._clock.now_ms()
        for event in events:
            if limit is not None and self.replayed >= limit:
                break
            first_ts_ms = event.ts_ms if first_ts_ms is None else first_ts_ms
            await self._pace(event.ts_ms - first_ts_ms, started_ms)
            self._apply(event)
            self.replayed += 1
        return self.replayed

    async def _pace(self, offset_ms: int, started_ms: int) -> None:
        if self._speed == 0:
            if self.replayed % YIELD_EVERY_EVENTS == 0:
                await self._clock.sleep(0)
            return
        wait_ms = started_ms + offset_ms / self._speed - self._clock.now_ms()
        if wait_ms > 0:
            await self._clock.sleep(wait_ms / 1000)

    def _apply(self, event: RecordedEvent) -> None:
        if isinstance(event, RecordedBbo):
            self._market.apply_book([(event.bid_px, event.bid_sz)], [(event.ask_px, event.ask_sz)], ts_ms=event.ts_ms)
        else:
            self._market.apply_trade(event.px, event.sz, event.side, ts_ms=event.ts_ms)
