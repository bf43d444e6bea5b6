"""One Extended v1 stream subscription kept alive on current `websockets` (>= 15).

The SDK's stream classes pass `extra_headers`, which websockets 14+ rejects, and they neither check
`seq` nor reconnect. This client does both: `seq` must start at 1 on every connection and rise by
exactly 1; a gap, a silent socket (heartbeat watchdog) or a drop rebuilds the subscription on a
fresh connection, with exponential back-off and jitter (tenacity) while connecting fails. The
owner hears about frames, outages and recoveries through a `StreamObserver`; a malformed frame is
counted, logged with its raw text and skipped, never the end of the stream.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import structlog
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, wait_exponential_jitter
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus, InvalidURI, WebSocketException
from x10.utils.http import USER_AGENT

from mm.adapters.extended.frames import ErrorFrame, StreamFrame, decode_frame, raw_text
from mm.adapters.extended.metrics import ExtendedMetrics
from mm.adapters.extended.settings import StreamSettings
from mm.domain.market_events import FeedIssueKind
from mm.ports.clock import Clock
from mm.ports.errors import AuthFailed, MalformedMessage

_log = structlog.get_logger(__name__)

_MAX_FRAME_BYTES = 16 * 1024 * 1024
_LOGGED_RAW_CHARS = 4096


@dataclass(frozen=True, slots=True)
class StreamIssue:
    """Why a connection ended; `from_ts_ms` is the receive time of the last good frame."""

    kind: FeedIssueKind
    from_ts_ms: int
    detected_ts_ms: int
    expected_seq: int | None = None
    received_seq: int | None = None
    detail: str = ""


class StreamObserver(Protocol):
    def on_frame(self, frame: StreamFrame, received_ts_ms: int, is_first: bool) -> None:
        """Handle one in-sequence frame; `is_first` marks a connection's first. May raise `MalformedMessage`."""
        ...

    def on_interrupted(self, issue: StreamIssue) -> None: ...

    def on_recovered(self, gap_from_ts_ms: int, recovered_ts_ms: int) -> None: ...


class _Interrupted(Exception):
    """A connection ended; `was_live` if it had delivered frames (the next one gets a fresh back-off)."""

    def __init__(self, issue: StreamIssue, *, was_live: bool) -> None:
        super().__init__(issue.kind.value)
        self.issue = issue
        self.was_live = was_live


class ResilientStream:
    """Keeps one subscription (`url`) alive until the task running `run()` is cancelled."""

    def __init__(
        self,
        url: str,
        *,
        name: str,
        symbol: str,
        observer: StreamObserver,
        settings: StreamSettings,
        clock: Clock,
        metrics: ExtendedMetrics,
        headers: Mapping[str, str] | None = None,
        may_be_quiet: bool = False,
    ) -> None:
        self.url = url
        self.name = name
        self.symbol = symbol
        self._observer = observer
        self._settings = settings
        self._clock = clock
        self._metrics = metrics
        self._headers = dict(headers or {})
        # A quiet market prints no trades and an idle account sends nothing: silence is not an outage
        # there, and the WebSocket pings still catch a dead connection.
        self._heartbeat_timeout_s = settings.quiet_heartbeat_timeout_s if may_be_quiet else settings.heartbeat_timeout_s
        self._log = _log.bind(stream=name, symbol=symbol)
        self._connections = 0
        self._last_good_ms = clock.now_ms()
        self._outage_from_ms: int | None = None

    async def run(self) -> None:
        """Stream forever; raises only for fatal errors (bad URL, refused credentials) or cancellation."""
        while True:
            retrying = AsyncRetrying(
                wait=wait_exponential_jitter(
                    multiplier=self._settings.reconnect_initial_s,
                    max=self._settings.reconnect_max_s,
                    jitter=self._settings.reconnect_jitter_s,
                ),
                retry=retry_if_exception(lambda error: isinstance(error, _Interrupted) and not error.was_live),
                sleep=self._clock.sleep,
                before_sleep=self._log_backoff,
            )
            try:
                async for attempt in retrying:
                    with attempt:
                        await self._connection()
            except _Interrupted:
                continue  # a live connection ended: reconnect at once, with a fresh back-off

    def _log_backoff(self, state: RetryCallState) -> None:
        self._log.info(
            "extended_stream_reconnect_delayed",
            attempt=state.attempt_number,
            delay_s=round(state.upcoming_sleep, 3),
        )

    async def _connection(self) -> None:
        self._connections += 1
        if self._connections > 1:
            self._metrics.stream_reconnects.inc(stream=self.name, symbol=self.symbol)
        try:
            async with connect(
                self.url,
                additional_headers=self._headers,
                user_agent_header=USER_AGENT,
                open_timeout=self._settings.open_timeout_s,
                ping_interval=self._settings.ping_interval_s,
                ping_timeout=self._settings.ping_timeout_s,
                close_timeout=1.0,
                max_size=_MAX_FRAME_BYTES,
                proxy=None,
            ) as socket:
                try:
                    await self._consume(socket)
                except _Interrupted:
                    await socket.close()  # a deliberate rebuild: close normally, not as an internal error
                    raise
        except _Interrupted as interrupted:
            self._interrupted(interrupted.issue, was_live=interrupted.was_live)
            raise
        except InvalidURI:
            raise
        except InvalidStatus as error:
            if error.response.status_code in (401, 403):
                raise AuthFailed(f"stream {self.name} refused: HTTP {error.response.status_code}") from error
            raise self._connect_failed(f"HTTP {error.response.status_code}") from error
        except (WebSocketException, OSError, TimeoutError) as error:
            raise self._connect_failed(f"{type(error).__name__}: {error}") from error

    def _connect_failed(self, detail: str) -> _Interrupted:
        issue = StreamIssue(FeedIssueKind.DISCONNECTED, self._last_good_ms, self._clock.now_ms(), detail=detail)
        self._interrupted(issue, was_live=False)
        return _Interrupted(issue, was_live=False)

    def _interrupted(self, issue: StreamIssue, *, was_live: bool) -> None:
        """Record an interruption; reconnecting that fails again during an outage is not news."""
        if issue.kind is FeedIssueKind.DISCONNECTED and not was_live and self._outage_from_ms is not None:
            return
        if self._outage_from_ms is None:
            self._outage_from_ms = issue.from_ts_ms
        self._metrics.stream_gaps.inc(stream=self.name, symbol=self.symbol, kind=issue.kind.value)
        self._log.warning(
            "extended_stream_interrupted",
            kind=issue.kind.value,
            expected_seq=issue.expected_seq,
            received_seq=issue.received_seq,
            detail=issue.detail,
        )
        self._observer.on_interrupted(issue)

    async def _consume(self, socket: ClientConnection) -> None:
        """Deliver in-sequence frames until the connection must be rebuilt (raises `_Interrupted`)."""
        expected_seq = 1
        is_first = True
        was_live = False
        while True:
            try:
                async with asyncio.timeout(self._heartbeat_timeout_s):
                    message = await socket.recv()
            except TimeoutError:
                detail = f"no message for {self._heartbeat_timeout_s} s"
                raise self._issue(FeedIssueKind.HEARTBEAT_TIMEOUT, was_live, detail=detail) from None
            except WebSocketException as error:
                raise self._issue(FeedIssueKind.DISCONNECTED, was_live, detail=f"{type(error).__name__}") from error
            received_ts_ms = self._clock.now_ms()
            raw = raw_text(message)
            self._metrics.stream_messages.inc(stream=self.name, symbol=self.symbol)
            try:
                frame = decode_frame(raw)
            except MalformedMessage as error:
                # Whether an unreadable frame used up a seq is unknown: if it did, the next frame
                # shows a gap and the stream is rebuilt, which is the safe side to err on.
                self._malformed(error)
                continue
            if frame.seq != expected_seq:
                raise self._issue(FeedIssueKind.SEQUENCE_GAP, was_live, expected_seq, frame.seq)
            expected_seq = frame.seq + 1
            if self._deliver(frame, received_ts_ms, is_first=is_first):
                was_live = True
            is_first = False

    def _deliver(self, frame: StreamFrame, received_ts_ms: int, *, is_first: bool) -> bool:
        """Hand one in-sequence frame to the observer; False when it was malformed and skipped."""
        if frame.error is not None:
            self._malformed(ErrorFrame(f"error frame: {frame.error}", frame.raw))
            return False
        try:
            self._observer.on_frame(frame, received_ts_ms, is_first)
        except MalformedMessage as error:
            self._malformed(error)
            return False
        self._last_good_ms = received_ts_ms
        if self._outage_from_ms is not None:
            self._observer.on_recovered(self._outage_from_ms, received_ts_ms)
            self._log.info("extended_stream_recovered", outage_ms=received_ts_ms - self._outage_from_ms)
            self._outage_from_ms = None
        return True

    def _issue(
        self,
        kind: FeedIssueKind,
        was_live: bool,
        expected_seq: int | None = None,
        received_seq: int | None = None,
        detail: str = "",
    ) -> _Interrupted:
        issue = StreamIssue(kind, self._last_good_ms, self._clock.now_ms(), expected_seq, received_seq, detail)
        return _Interrupted(issue, was_live=was_live)

    def _malformed(self, error: MalformedMessage) -> None:
        self._metrics.stream_malformed.inc(stream=self.name, symbol=self.symbol)
        self._log.warning("extended_stream_message_skipped", error=str(error), raw=error.raw[:_LOGGED_RAW_CHARS])
