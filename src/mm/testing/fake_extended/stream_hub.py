"""Who is subscribed to what, and the v1 envelope each of them receives.

Every connection is one `Subscriber` with its own `seq` (1, 2, 3, … per connection, snapshots
included) and an outbox its socket task drains. Publishing is synchronous, so a snapshot taken
and a subscriber registered in the same step can never miss or repeat a frame.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qs, urlsplit

STREAM_PREFIX = "/stream.extended.exchange/v1"


class StreamKind(StrEnum):
    ORDERBOOK = "orderbook"
    BBO = "bbo"
    TRADES = "trades"
    MARK = "mark"
    INDEX = "index"
    ACCOUNT = "account"


@dataclass(frozen=True, slots=True)
class Subscription:
    """What a connection's URL path asks for; `market` None means every market."""

    kind: StreamKind
    market: str | None = None

    def covers(self, kind: StreamKind, market: str | None) -> bool:
        return self.kind is kind and (self.market is None or market is None or self.market == market)


def _classify(segments: list[str], depth: str | None) -> tuple[StreamKind, list[str]] | None:
    """The stream kind of a path and the segments left for the market."""
    head, rest = segments[0], segments[1:]
    if head == "prices" and rest and rest[0] in ("mark", "index"):
        return (StreamKind.MARK if rest[0] == "mark" else StreamKind.INDEX), rest[1:]
    if head == "orderbooks" and depth in (None, "1"):
        return (StreamKind.BBO if depth == "1" else StreamKind.ORDERBOOK), rest
    kinds = {"account": StreamKind.ACCOUNT, "publicTrades": StreamKind.TRADES}
    return (kinds[head], rest) if head in kinds else None


def parse_stream_path(path: str) -> Subscription | None:
    """Map `/stream.extended.exchange/v1/<stream>[/<market>][?depth=1]` to a subscription, or None."""
    parts = urlsplit(path)
    if not parts.path.startswith(STREAM_PREFIX + "/"):
        return None
    segments = [s for s in parts.path[len(STREAM_PREFIX) :].split("/") if s]
    depth = parse_qs(parts.query).get("depth", [None])[0]
    classified = _classify(segments, depth) if segments else None
    if classified is None:
        return None
    kind, market_segments = classified
    if len(market_segments) > 1 or (kind is StreamKind.ACCOUNT and market_segments):
        return None
    return Subscription(kind, market_segments[0] if market_segments else None)


class Subscriber:
    """One open stream connection as the publisher sees it."""

    def __init__(self, subscription: Subscription, now_ms: Callable[[], int]) -> None:
        self.subscription = subscription
        self.seq = 0
        self.outbox: asyncio.Queue[str | None] = asyncio.Queue()
        self.is_stalled = False
        self.frames_sent = 0
        self._now_ms = now_ms
        self._pending_skip = 0
        self.abort: Callable[[], None] = lambda: None

    def send(self, frame_type: str | None, data: Any, extra: dict[str, Any] | None = None) -> None:
        """Queue one enveloped frame; a stalled subscriber gets nothing and its seq does not move."""
        if self.is_stalled:
            return
        self.seq += 1 + self._pending_skip
        self._pending_skip = 0
        envelope: dict[str, Any] = {} if frame_type is None else {"type": frame_type}
        envelope.update(data=data, ts=self._now_ms(), seq=self.seq)
        if extra:
            envelope.update(extra)
        self.outbox.put_nowait(json.dumps(envelope, separators=(",", ":")))
        self.frames_sent += 1

    def send_text(self, build: Callable[[int], str]) -> None:
        """Queue the text `build(seq)` writes for the next seq (a test's own frame, mutated or malformed).

        The seq is used up only when the text is a JSON object carrying it, as a client that
        could read the frame would see; any other text takes none, as `send_raw`'s does.
        """
        if self.is_stalled:
            return
        seq = self.seq + 1 + self._pending_skip
        text = build(seq)
        try:
            body = json.loads(text)
        except (ValueError, RecursionError):  # not JSON, or nested too deep to read
            body = None
        if isinstance(body, dict) and body.get("seq") == seq and type(body.get("seq")) is int:
            self.seq, self._pending_skip = seq, 0
            self.frames_sent += 1
        self.outbox.put_nowait(text)

    def send_raw(self, text: str) -> None:
        """Queue text outside the envelope (malformed frames, error objects); it takes no seq."""
        self.outbox.put_nowait(text)

    def skip_sequence(self, by: int) -> None:
        self._pending_skip += by

    def close(self) -> None:
        """Ask the socket task to close the connection cleanly after what is already queued."""
        self.outbox.put_nowait(None)


class StreamHub:
    """The open subscribers, and fan-out of published frames to the ones that cover them."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self.connections_opened: Counter[StreamKind] = Counter()
        self._changed = asyncio.Event()

    def add(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)
        self.connections_opened[subscriber.subscription.kind] += 1
        self._signal()

    def remove(self, subscriber: Subscriber) -> None:
        if subscriber in self._subscribers:
            self._subscribers.remove(subscriber)
            self._signal()

    def _signal(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def subscribers(self, kind: StreamKind | None = None, market: str | None = None) -> list[Subscriber]:
        return [
            s
            for s in self._subscribers
            if (kind is None or s.subscription.kind is kind)
            and (market is None or s.subscription.market in (None, market))
        ]

    def publish(
        self,
        kind: StreamKind,
        market: str | None,
        frame_type: str | None,
        data: Any,
        extra: dict[str, Any] | None = None,
    ) -> None:
        for subscriber in self._subscribers:
            if subscriber.subscription.covers(kind, market):
                subscriber.send(frame_type, data, extra)

    async def wait_for_subscribers(self, count: int, kind: StreamKind | None = None, *, timeout_s: float = 5.0) -> None:
        """Wait until at least `count` connections of `kind` are open; raise TimeoutError otherwise."""

        async def satisfied() -> None:
            while len(self.subscribers(kind)) < count:
                await self._changed.wait()

        await asyncio.wait_for(satisfied(), timeout_s)

    async def wait_for_connections_opened(
        self, count: int, kind: StreamKind | None = None, *, timeout_s: float = 5.0
    ) -> None:
        """Wait until `count` connections of `kind` have ever been opened (reconnects included)."""

        def opened() -> int:
            return self.connections_opened[kind] if kind else sum(self.connections_opened.values())

        async def satisfied() -> None:
            while opened() < count:
                await self._changed.wait()

        await asyncio.wait_for(satisfied(), timeout_s)
