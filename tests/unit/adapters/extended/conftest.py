"""Fixture payloads from ../shared/extended/fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mm.adapters.extended.frames import StreamFrame, decode_frame

FIXTURES = Path(__file__).resolve().parents[5] / "shared" / "extended" / "fixtures"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_text(name))


def fixture_frame(name: str) -> StreamFrame:
    return decode_frame(fixture_text(name))
