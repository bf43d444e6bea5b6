"""Fixture payloads from ../shared/extended/fixtures and a hand-driven clock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mm.adapters.extended.frames import StreamFrame, decode_frame

FIXTURES = Path(__file__).resolve().parents[5] / "shared" / "extended" / "fixtures"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_text(name))


def fixture_frame(name: str) -> StreamFrame:
    return decode_frame(fixture_text(name))


class ManualClock:
    """A `Clock` that moves only when told to (sleeping advances it)."""

    def __init__(self, now_ms: int = 1_790_000_000_000) -> None:
        self.now = now_ms
        self.slept_s: list[float] = []

    def now_ms(self) -> int:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += round(seconds * 1000)

    async def sleep(self, seconds: float) -> None:
        self.slept_s.append(seconds)
        self.advance(seconds)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()
