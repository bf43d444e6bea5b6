"""Fixture payloads of the Extended wire format, carried in `tests/fixtures/extended`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mm.adapters.extended.frames import StreamFrame, decode_frame

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "extended"

# How long after the venue stamped a frame we receive it, in the tests: a plausible network delay.
RECEIVE_DELAY_MS = 40


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_text(name))


def fixture_frame(name: str) -> StreamFrame:
    return decode_frame(fixture_text(name))


def received_ms(frame: StreamFrame) -> int:
    """A receive time just after the frame's own time: fixtures were stamped years apart."""
    return frame.ts_ms + RECEIVE_DELAY_MS
