"""A loopback WebSocket proxy that records every frame a server sends to its clients.

Put it between a client and the fake Extended server to know exactly which messages the server
sent while the client was connected: a frame is recorded once the proxy has handed it on.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed


@dataclass(frozen=True, slots=True)
class TappedFrame:
    path: str  # the subscription, e.g. /stream.extended.exchange/v1/orderbooks/BTC-USD?depth=1
    connection: int  # which client connection (1, 2, …) it went to
    text: str


class FrameTap:
    """`async with FrameTap(upstream_base_url) as tap:` then point the client at `tap.url`."""

    def __init__(self, upstream_url: str) -> None:
        parts = urlsplit(upstream_url)
        self._upstream_origin = f"{parts.scheme}://{parts.netloc}"
        self._base_path = parts.path
        self._server: Server | None = None
        self._connections = 0
        self.frames: list[TappedFrame] = []

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"ws://127.0.0.1:{port}{self._base_path}"

    async def __aenter__(self) -> FrameTap:
        self._server = await serve(self._relay, "127.0.0.1", 0, ping_interval=None)
        return self

    async def __aexit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _relay(self, client: ServerConnection) -> None:
        path = client.request.path if client.request else "/"
        self._connections += 1
        connection = self._connections
        async with connect(self._upstream_origin + path, ping_interval=None, max_size=None) as upstream:
            down = asyncio.create_task(self._downstream(upstream, client, path, connection))
            up = asyncio.create_task(self._upstream(client, upstream))
            await asyncio.wait({down, up}, return_when=asyncio.FIRST_COMPLETED)
            for task in (down, up):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                    await task
        await client.close()

    async def _downstream(
        self, upstream: ClientConnection, client: ServerConnection, path: str, connection: int
    ) -> None:
        async for message in upstream:
            text = message if isinstance(message, str) else message.decode()
            await client.send(text)
            self.frames.append(TappedFrame(path, connection, text))

    @staticmethod
    async def _upstream(client: ServerConnection, upstream: ClientConnection) -> None:
        async for message in client:
            await upstream.send(message)
