"""The v1 WebSocket side of the fake venue on `websockets` (new asyncio API).

The URL path is the subscription (PROTOCOL.md §3); the private `/account` stream needs the
`X-Api-Key` header, refused with HTTP 401 at the upgrade. Unknown paths fail the upgrade (404);
an unknown market gets the venue's error object and a close.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from mm.ports.clock import Clock
from mm.testing.fake_extended.stream_hub import StreamHub, StreamKind, Subscriber, Subscription, parse_stream_path

InitialFrames = Callable[[Subscription], list[tuple[str | None, Any]]]
MARKET_NOT_FOUND_FRAME = json.dumps({"status": "ERROR", "error": {"code": 1001, "message": "Market not found."}})


class FakeStreamServer:
    """Serves public and account streams from one port; frames come from the `StreamHub`."""

    def __init__(
        self,
        *,
        hub: StreamHub,
        initial_frames: InitialFrames,
        market_names: Callable[[], list[str]],
        api_key: str,
        clock: Clock,
        ping_interval_s: float | None = 15,
        ping_timeout_s: float | None = 10,
    ) -> None:
        self._hub = hub
        self._initial_frames = initial_frames
        self._market_names = market_names
        self._api_key = api_key
        self._clock = clock
        self._ping_interval_s = ping_interval_s
        self._ping_timeout_s = ping_timeout_s
        self._server: Server | None = None

    async def start(self, host: str, port: int) -> int:
        """Listen; return the bound port (useful with port 0)."""
        self._server = await serve(
            self._handle,
            host,
            port,
            process_request=self._check_upgrade,
            ping_interval=self._ping_interval_s,
            ping_timeout=self._ping_timeout_s,
            compression=None,  # per-message deflate doubled the fake's CPU per frame on loopback
        )
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    def _check_upgrade(self, connection: ServerConnection, request: Request) -> Response | None:
        subscription = parse_stream_path(request.path)
        if subscription is None:
            return connection.respond(HTTPStatus.NOT_FOUND, "Unknown stream\n")
        if subscription.kind is StreamKind.ACCOUNT and request.headers.get("X-Api-Key") != self._api_key:
            return connection.respond(HTTPStatus.UNAUTHORIZED, "Unauthorized\n")
        return None

    async def _handle(self, connection: ServerConnection) -> None:
        subscription = parse_stream_path(connection.request.path if connection.request else "")
        if subscription is None:
            return
        if subscription.market is not None and subscription.market not in self._market_names():
            await connection.send(MARKET_NOT_FOUND_FRAME)
            await connection.close()
            return
        subscriber = Subscriber(subscription, self._clock.now_ms)
        subscriber.abort = connection.transport.abort
        for frame_type, data in self._initial_frames(subscription):
            subscriber.send(frame_type, data)
        self._hub.add(subscriber)  # same step as the snapshot: no frame can fall in between
        try:
            await self._pump(subscriber, connection)
        finally:
            self._hub.remove(subscriber)

    async def _pump(self, subscriber: Subscriber, connection: ServerConnection) -> None:
        """Send the outbox until the client leaves or a fault closes us; read (and drop) client frames."""
        sender = asyncio.create_task(self._send_outbox(subscriber, connection))
        reader = asyncio.create_task(self._discard_incoming(connection))
        try:
            await asyncio.wait({sender, reader}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sender, reader):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                    await task

    @staticmethod
    async def _send_outbox(subscriber: Subscriber, connection: ServerConnection) -> None:
        while (text := await subscriber.outbox.get()) is not None:
            await connection.send(text)
        await connection.close(code=1011, reason="dropped by fault injection")

    @staticmethod
    async def _discard_incoming(connection: ServerConnection) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for _ in connection:
                pass
