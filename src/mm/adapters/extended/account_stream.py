"""`AccountStream` on Extended: the private v1 `/account` stream plus a periodic REST re-sync.

The stream reports order updates, fills, positions and balances. Every `resync_interval_s`, and
at once after each reconnect, open orders and the position are read over REST; what the stream
missed comes out as ordinary events, followed by `AccountResynced` with the venue's full view.
Then our trades since the last settled fill are read (usually one request for all markets), and
fills the stream missed follow as `FillEvent`s, oldest first, each fill id emitted once. After a
restart (`recorded_until`), that first read reaches back to the record's mark, so the fills made
while the executor was down come too; without a mark, fills before the first frame are history.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import structlog

from mm.adapters.extended.account_reads import ExtendedAccountReads
from mm.adapters.extended.account_state import KnownAccount
from mm.adapters.extended.event_pump import EventPump
from mm.adapters.extended.frames import StreamFrame
from mm.adapters.extended.mapping import account_events_from_frame
from mm.adapters.extended.resilient_stream import ResilientStream, StreamIssue
from mm.adapters.extended.rest_session import ExtendedRestSession
from mm.adapters.extended.settings import AccountStreamSettings
from mm.domain.fill_history_mark import FillHistoryMark
from mm.domain.orders import (
    AccountEvent,
    AccountResynced,
    AccountStreamGap,
    OpenOrder,
    OrderUpdate,
    symbol_of,
)
from mm.ports.errors import OrderNotFound, RetryableError

_log = structlog.get_logger(__name__)


class _AccountFrames:
    """The private stream's observer: frames become events; a return triggers a re-sync."""

    def __init__(
        self,
        known: KnownAccount,
        pump: EventPump[AccountEvent],
        symbols: frozenset[str],
        resync_due: asyncio.Event,
    ) -> None:
        self._known = known
        self._pump = pump
        self._symbols = symbols
        self._resync_due = resync_due

    def on_frame(self, frame: StreamFrame, received_ts_ms: int, is_first: bool) -> None:
        events = account_events_from_frame(frame, received_ts_ms)
        # Only a frame within bounds may set where fill history ends: a malformed first frame's
        # time (say 10^18) would settle every later fill. `start_at` keeps the first it is given.
        self._known.fills.start_at(frame.ts_ms)
        for event in events:
            symbol = symbol_of(event)
            if symbol is None or symbol in self._symbols:
                applied = self._known.apply(event)
                if applied is not None:
                    self._pump.emit(applied)

    def on_interrupted(self, issue: StreamIssue) -> None:
        detail = f"{issue.kind.value}: {issue.detail}" if issue.detail else issue.kind.value
        self._pump.emit(AccountStreamGap(issue.detected_ts_ms, detail))

    def on_recovered(self, gap_from_ts_ms: int, recovered_ts_ms: int) -> None:
        self._resync_due.set()


class ExtendedAccountStream:
    """Our account's events for a set of markets; one `events()` iteration per instance.

    Shares `session` (and so the request budget) with the trading gateway.
    """

    def __init__(self, session: ExtendedRestSession, settings: AccountStreamSettings | None = None) -> None:
        self._session = session
        self._settings = settings or AccountStreamSettings()
        self._clock = session.clock
        self._reads = ExtendedAccountReads(session)
        self._known = KnownAccount()
        self._pump: EventPump[AccountEvent] = EventPump()
        self._symbols: frozenset[str] = frozenset()
        self._resync_due = asyncio.Event()

    async def events(
        self, symbols: Sequence[str], recorded_until: FillHistoryMark | None = None
    ) -> AsyncIterator[AccountEvent]:
        if self._pump.is_running:
            raise RuntimeError("events() is already running on this account stream")
        self._symbols = frozenset(symbols)
        if recorded_until is not None:
            self._known.fills.resume_from(recorded_until)
        stream = ResilientStream(
            self._session.config.endpoints.stream_url + "/account",
            name="account",
            symbol="*",
            observer=_AccountFrames(self._known, self._pump, self._symbols, self._resync_due),
            settings=self._settings.stream,
            clock=self._clock,
            metrics=self._session.metrics,
            headers={"X-Api-Key": self._session.api_key()},
            may_be_quiet=True,
        )
        self._resync_due.set()
        self._pump.start("extended-account-stream", stream.run())
        self._pump.start("extended-account-resync", self._resync_loop())
        self._pump.start("extended-account-resync-timer", self._resync_timer())
        async for event in self._pump.events():
            yield event

    async def aclose(self) -> None:
        await self._pump.aclose()

    # --- REST re-sync -------------------------------------------------------------------------

    async def _resync_timer(self) -> None:
        while True:
            await self._clock.sleep(self._settings.resync_interval_s)
            self._resync_due.set()

    async def _resync_loop(self) -> None:
        while True:
            await self._resync_due.wait()
            self._resync_due.clear()
            for symbol in sorted(self._symbols):
                try:
                    await self._resync(symbol)
                except RetryableError as error:
                    # The next interval tries again; until then the stream's view stands.
                    self._session.metrics.account_resyncs.inc(outcome="failed")
                    _log.warning("extended_account_resync_failed", symbol=symbol, error=str(error))
            try:
                await self._replay_missed_fills()
            except RetryableError as error:
                # Nothing of the failed read was emitted and the floor stayed: the next re-sync reads it all again.
                self._session.metrics.fill_replays.inc(outcome="failed")
                _log.warning("extended_fill_replay_failed", error=str(error))

    async def _resync(self, symbol: str) -> None:
        requested_ts_ms = self._clock.now_ms()
        orders = await self._reads.open_orders(symbol)
        position = await self._reads.position(symbol)
        received_ts_ms = self._clock.now_ms()
        reconciliation = self._known.reconcile(symbol, orders, position, received_ts_ms)
        corrections = list(reconciliation.corrections)
        for order in reconciliation.vanished:
            final = await self._final_state(order)
            if final is None:
                self._known.forget(order.client_order_id)
            elif self._known.is_news(final):
                corrections.append(OrderUpdate(final, self._clock.now_ms()))
        for event in corrections:
            applied = self._known.apply(event)
            if applied is not None:
                self._session.metrics.account_corrections.inc(kind=type(event).__name__)
                self._pump.emit(applied)
        self._session.metrics.account_resyncs.inc(outcome="ok")
        self._pump.emit(AccountResynced(symbol, tuple(orders), position, received_ts_ms, requested_ts_ms))

    async def _replay_missed_fills(self) -> None:
        """Emit the fills the stream missed, read from REST back to the floor of `SeenFills`.

        They come after the `AccountResynced` that already counts them in the position: the
        engine adds a fill to its inventory only when it is newer than the position it holds.
        """
        floor_ts_ms = self._known.fills.floor_ts_ms
        if floor_ts_ms is None:
            return  # the stream has not been live yet: every fill so far is history
        settings = self._settings
        scan = await self._reads.fills_since(
            sorted(self._symbols),
            floor_ts_ms,
            page_size=settings.fill_page_size,
            max_pages=settings.fill_max_pages,
        )
        missed = self._known.missed_fills(scan.events)
        for event in missed:
            self._session.metrics.account_corrections.inc(kind="FillEvent")
            self._pump.emit(event)
        if scan.events:
            newest_ts_ms = max(event.fill.ts_ms for event in scan.events)
            self._known.fills.settle_before(newest_ts_ms - round(settings.fill_lookback_s * 1000))
        if missed:
            _log.info("extended_missed_fills_replayed", count=len(missed), since_ts_ms=floor_ts_ms)
        if scan.is_complete:
            self._session.metrics.fill_replays.inc(outcome="ok")
            return
        # Reading further would starve order traffic of budget; the position re-sync stands.
        self._session.metrics.fill_replays.inc(outcome="truncated")
        _log.error(
            "extended_fill_replay_truncated",
            pages=settings.fill_max_pages,
            since_ts_ms=floor_ts_ms,
            oldest_read_ts_ms=min((e.fill.ts_ms for e in scan.events), default=None),
        )

    async def _final_state(self, order: OpenOrder) -> OpenOrder | None:
        """Where an order we think open, but the snapshot lacks, ended up; None when the venue forgot it."""
        try:
            return await self._reads.order_by_exchange_id(order.exchange_order_id)
        except OrderNotFound:
            _log.warning("extended_order_vanished", client_order_id=order.client_order_id)
            return None
