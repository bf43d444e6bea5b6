"""Reading v1 frames off a raw websockets connection in these tests."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from websockets.asyncio.client import ClientConnection

FRAME_TIMEOUT_S = 2.0


async def recv_frame(ws: ClientConnection, timeout_s: float = FRAME_TIMEOUT_S) -> dict[str, Any]:
    frame: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout_s))
    return frame


async def recv_frames(ws: ClientConnection, count: int) -> list[dict[str, Any]]:
    return [await recv_frame(ws) for _ in range(count)]
