"""The backtest's replay loop: recorded columns through the live quote engine and a simulated venue.

The engine is the executor's own `QuoteEngine`; the loop only plays the parts the executor's tasks
and the network play live, on simulated time:

- the venue sees each recorded row at its time; the engine sees it `market_data_latency_ms` later,
  and sees the venue's answers and account events that much after they happen;
- order requests reach the venue after the venue's own `order_latency_ms`;
- the engine's timer is polled on a `timer_resolution_ms` grid, as the executor's timer task does;
- account reads the engine asks for (`ResyncAccount`, after an answered cancel-all) take at least a
  millisecond at the venue and come back a market-data latency later.

At each instant, in this order: the venue catches up (requests arriving), answers due reach the
engine, the engine's timer fires, the venue takes the recorded rows of that millisecond, answers
due reach the engine, and the engine takes the rows of that millisecond: all of them before it
may decide, since rows of one millisecond are one moment on the venue and a strategy reacting
between them would see the future. Recorded trades only move the venue (and the engine's
liquidation count); prints flagged as history fill nothing.

No object is built per row: columns become lists once, and a row costs a few comparisons on the
venue (which skips the fill check when no order of ours is near the price) plus the engine's own
bookkeeping. Decisions run only on the engine's throttled ticks.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mm.domain.backtest_run import ModeChange
from mm.domain.engine_commands import (
    CancelAll,
    CancelOrder,
    EngineCommand,
    OrderCommand,
    PlaceOrder,
    RecordDecision,
    ReplaceOrder,
    ResyncAccount,
)
from mm.domain.fill_summary import FillRecord
from mm.domain.market_tape import MarketTape
from mm.domain.orders import AccountEvent, AccountResynced, FillEvent, OrderStatus, OrderUpdate, RejectReason
from mm.ports.errors import AuthFailed, ExchangeError
from mm.ports.replay_venue import ReplayVenue
from mm.usecases.backtest.replay_columns import (
    BOOK,
    GAP_END,
    GAP_START,
    ReplayColumns,
    apply_engine_group,
    gap_event,
    merged_engine_rows,
    merged_venue_rows,
)
from mm.usecases.backtest.replay_log import QuoteChange, ReplayLog
from mm.usecases.trading.quote_engine import QuoteEngine
from mm.usecases.trading.request_failures import failure_of

NEVER_MS = 1 << 62
PROGRESS_EVERY_ROWS = 1 << 16

_EVENT, _SUCCEEDED, _FAILED, _READ_OPEN_ORDERS = range(4)


@dataclass(frozen=True, slots=True)
class ReplayTiming:
    """Simulated delays. `timer_resolution_ms` 0 fires the engine's timer exactly when due."""

    market_data_latency_ms: int = 0
    timer_resolution_ms: int = 10

    def __post_init__(self) -> None:
        if self.market_data_latency_ms < 0 or self.timer_resolution_ms < 0:
            raise ValueError("latency and timer resolution must not be negative")


class Replay:
    """One replay of one tape; construct the engine and venue fresh for each run."""

    def __init__(
        self,
        engine: QuoteEngine,
        venue: ReplayVenue,
        *,
        start_ms: int,
        timing: ReplayTiming | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.engine = engine
        self.venue = venue
        self.timing = timing or ReplayTiming()
        self.log = ReplayLog()
        self._start_ms = start_ms
        self._progress = progress
        self._rows_total = 0
        self._deliveries: list[tuple[int, int, int, object, object]] = []
        self._arrivals: deque[int] = deque()  # when requests in flight reach the venue
        self._sequence = 0
        self._timer_at = NEVER_MS
        self._last_fired_ms = -NEVER_MS
        self._seen_decision: object = None
        self._last_mode_key: tuple[object, ...] | None = None
        self._last_quote_key: tuple[int, int, int, int] | None = None
        self._exchange = engine.config.exchange
        self._symbol = engine.config.symbol

    # --- the loop ------------------------------------------------------------------------------

    def run(self, tape: MarketTape) -> ReplayLog:
        """Replay every row of `tape` (in time order), then let answers still in flight land."""
        columns = ReplayColumns.of(tape)
        self._rows_total = tape.row_count
        self._begin()
        if columns.needs_merged_rows:
            self._run_mixed(columns)
        else:
            self._run_book_and_trades(columns)
        self._finish()
        return self.log

    def _run_book_and_trades(self, c: ReplayColumns) -> None:  # noqa: PLR0912, PLR0915 - the hot loop, inlined on purpose (measured)
        """The loop for tapes of book and trade rows only (every shared recording): the fast path."""
        engine, venue, log = self.engine, self.venue, self.log
        on_bbo, on_trade, drain_events = venue.on_bbo, venue.on_trade, venue.drain_events
        engine_on_bbo, market_on_bbo = engine.on_bbo_values, engine.market.on_bbo
        book_ts, bid_px, bid_sz, ask_px, ask_sz = c.book_ts, c.bid_px, c.bid_sz, c.ask_px, c.ask_sz
        e_bid_px, e_bid_sz, e_ask_px, e_ask_sz = c.engine_bid_px, c.engine_bid_sz, c.engine_ask_px, c.engine_ask_sz
        trade_ts, trade_px, trade_sz, trade_side, trade_is_history = (
            c.trade_ts,
            c.trade_px,
            c.trade_sz,
            c.trade_side,
            c.trade_is_history,
        )
        book_count, trade_count = len(book_ts), len(trade_ts)
        latency = self.timing.market_data_latency_ms
        deliveries, arrivals = self._deliveries, self._arrivals
        book_row = trade_row = engine_row = 0
        next_progress = PROGRESS_EVERY_ROWS
        skipped = 0
        while True:
            venue_ms = book_ts[book_row] if book_row < book_count else NEVER_MS
            if trade_row < trade_count and trade_ts[trade_row] < venue_ms:
                venue_ms = trade_ts[trade_row]
            engine_ms = book_ts[engine_row] + latency if engine_row < book_count else NEVER_MS
            now = venue_ms if venue_ms < engine_ms else engine_ms
            if now >= NEVER_MS:
                break  # the data is over: no more time is simulated
            now = min(now, self._timer_at)
            if deliveries and deliveries[0][0] < now:
                now = deliveries[0][0]
            if arrivals and arrivals[0] <= now:
                self._catch_up_venue(now)
            if deliveries and deliveries[0][0] <= now:
                self._deliver_until(now)
            if self._timer_at <= now:
                self._fire_timer(now)
            if venue_ms == now:
                while book_row < book_count and book_ts[book_row] == now:
                    on_bbo(now, bid_px[book_row], bid_sz[book_row], ask_px[book_row], ask_sz[book_row])
                    book_row += 1
                while trade_row < trade_count and trade_ts[trade_row] == now:
                    if trade_is_history[trade_row]:
                        skipped += 1
                    else:
                        on_trade(now, trade_px[trade_row], trade_sz[trade_row], trade_side[trade_row])
                    trade_row += 1
                events = drain_events()
                if events:
                    self._send_on(events, now)
                if deliveries and deliveries[0][0] <= now:
                    self._deliver_until(now)
            if engine_ms == now:
                recorded_ms = book_ts[engine_row]
                last_row = engine_row
                while last_row + 1 < book_count and book_ts[last_row + 1] == recorded_ms:
                    market_on_bbo(now, e_bid_px[last_row], e_bid_sz[last_row], e_ask_px[last_row], e_ask_sz[last_row])
                    last_row += 1
                commands = engine_on_bbo(
                    now, e_bid_px[last_row], e_bid_sz[last_row], e_ask_px[last_row], e_ask_sz[last_row]
                )
                engine_row = last_row + 1
                self._after_engine_call(commands, now)
            if book_row + trade_row >= next_progress:
                self._report_progress(book_row + trade_row)
                next_progress += PROGRESS_EVERY_ROWS
        log.counts.rows = book_count + trade_count
        log.counts.history_trades_skipped = skipped
        self._report_progress(book_count + trade_count)

    def _run_mixed(self, c: ReplayColumns) -> None:
        """Tapes with mark/index prices, liquidation prints or gaps: every engine input kind, in time order."""
        latency = self.timing.market_data_latency_ms
        venue_rows = merged_venue_rows(c)
        engine_rows = merged_engine_rows(c)
        venue_at = engine_at = 0
        skipped = 0
        while True:
            venue_ms = venue_rows[venue_at][0] if venue_at < len(venue_rows) else NEVER_MS
            engine_ms = engine_rows[engine_at][0] + latency if engine_at < len(engine_rows) else NEVER_MS
            if min(venue_ms, engine_ms) >= NEVER_MS:
                break  # the data is over: no more time is simulated
            now = min(venue_ms, engine_ms, self._timer_at, self._deliveries[0][0] if self._deliveries else NEVER_MS)
            self._catch_up_venue(now)
            self._deliver_until(now)
            if self._timer_at <= now:
                self._fire_timer(now)
            while venue_at < len(venue_rows) and venue_rows[venue_at][0] == now:
                skipped += self._apply_venue_row(c, venue_rows[venue_at], now)
                venue_at += 1
            self._collect_venue_events(now)
            self._deliver_until(now)
            if engine_ms == now:
                group_end = engine_at
                while group_end < len(engine_rows) and engine_rows[group_end][0] == engine_rows[engine_at][0]:
                    group_end += 1
                self._apply_engine_rows(c, engine_rows[engine_at:group_end], now)
                engine_at = group_end
        self.log.counts.rows = len(c.book_ts) + len(c.trade_ts) + len(c.price_ts)
        self.log.counts.history_trades_skipped = skipped
        self._report_progress(self.log.counts.rows)

    def _apply_engine_rows(self, c: ReplayColumns, group: list[tuple[int, int, int]], now: int) -> None:
        """One millisecond's rows into the engine: market rows together, gap starts and ends as the live feed reports them."""
        engine = self.engine
        market_rows: list[tuple[int, int, int]] = []
        for row in group:
            _ts, kind, index = row
            if kind in (GAP_START, GAP_END):
                if market_rows:
                    self._after_engine_call(apply_engine_group(engine, c, market_rows, now), now)
                    market_rows = []
                event = gap_event(c, kind, index, self._exchange, self._symbol)
                self._after_engine_call(engine.on_market_event(event, now), now)
            else:
                market_rows.append(row)
        if market_rows:
            self._after_engine_call(apply_engine_group(engine, c, market_rows, now), now)

    def _apply_venue_row(self, c: ReplayColumns, row: tuple[int, int, int], now: int) -> int:
        """Feed one book or trade row to the venue; returns 1 for a history print it skipped."""
        _ts, kind, index = row
        if kind == BOOK:
            self.venue.on_bbo(now, c.bid_px[index], c.bid_sz[index], c.ask_px[index], c.ask_sz[index])
            return 0
        if c.trade_is_history[index]:
            return 1
        self.venue.on_trade(now, c.trade_px[index], c.trade_sz[index], c.trade_side[index])
        return 0

    # --- start and end -------------------------------------------------------------------------

    def _begin(self) -> None:
        """Start as the executor does: the venue's (empty) open orders and position are the truth."""
        self.venue.advance_to(self._start_ms)
        self._schedule(self._start_ms, _READ_OPEN_ORDERS, None, None)
        self._deliver_until(self._start_ms)
        self._refresh_timer(self._start_ms)

    def _finish(self) -> None:
        """After the last row only answers already on their way land; no further time is simulated."""
        while self._deliveries:
            now = self._deliveries[0][0]
            self._catch_up_venue(now)
            self._deliver_until(now)

    # --- the engine's side ---------------------------------------------------------------------

    def _fire_timer(self, now: int) -> None:
        self._last_fired_ms = now
        self._after_engine_call(self.engine.on_timer(now), now)

    def _after_engine_call(self, commands: Sequence[EngineCommand], now: int) -> None:
        if self.engine.last_decision is not self._seen_decision:
            self._observe_tick(now)
        if commands:
            self._execute(commands, now)
        self._refresh_timer(now)

    def _refresh_timer(self, now: int) -> None:
        """When the engine's timer fires next: at the first poll of the timer grid at or after its due time.

        The executor's timer task sleeps one resolution, then calls `on_timer` if due (or if the
        engine has never ticked: `next_timer_ms` None); polls fall at start + k x resolution, k >= 1.
        """
        due_ms = self.engine.next_timer_ms()
        resolution = self.timing.timer_resolution_ms
        if due_ms is None:
            due_ms = now + 1 if resolution else now
        if resolution:
            origin = self._start_ms
            due_ms = origin + max(1, -((origin - due_ms) // resolution)) * resolution
        if due_ms <= self._last_fired_ms:  # never twice at one instant, whatever the engine answers
            due_ms = self._last_fired_ms + (resolution or 1)
        self._timer_at = due_ms

    def _observe_tick(self, now: int) -> None:
        engine, log = self.engine, self.log
        decision = engine.last_decision
        self._seen_decision = decision
        log.counts.ticks += 1
        reasons = decision.reasons if decision is not None else ()
        mode_key = (engine.mode, reasons)
        if mode_key != self._last_mode_key:
            self._last_mode_key = mode_key
            log.modes.append(ModeChange(now, engine.mode, tuple(str(reason) for reason in reasons)))
        bid, ask = engine.desired_quotes()
        quote_key = (
            bid.price_ticks if bid is not None else 0,
            bid.size_steps if bid is not None else 0,
            ask.price_ticks if ask is not None else 0,
            ask.size_steps if ask is not None else 0,
        )
        if quote_key != self._last_quote_key:
            self._last_quote_key = quote_key
            log.quotes.append(QuoteChange.of(now, bid, ask))

    def _execute(self, commands: Sequence[EngineCommand], now: int) -> None:
        """Carry out the engine's commands, then let what the venue did in the meantime start on its way."""
        self._dispatch(commands, now)
        self._collect_venue_events(now)
        if self._deliveries and self._deliveries[0][0] <= now:
            self._deliver_until(now)

    def _dispatch(self, commands: Sequence[EngineCommand], now: int) -> None:
        """Send order commands to the venue and schedule account reads; answers come back after the latencies."""
        for command in commands:
            if isinstance(command, RecordDecision):
                self.log.decisions.append(command.record)
            elif isinstance(command, PlaceOrder | ReplaceOrder | CancelOrder | CancelAll):
                self._send(command, now)
            elif isinstance(command, ResyncAccount):
                # Live, the read goes out once the answer is in; it takes time too (at least a millisecond).
                self._schedule(now + max(1, self.venue.order_latency_ms), _READ_OPEN_ORDERS, None, None)

    def _send(self, command: OrderCommand, now: int) -> None:
        venue, counts = self.venue, self.log.counts
        if venue.order_latency_ms:
            self._arrivals.append(now + venue.order_latency_ms)
        answered_ms = now + venue.order_latency_ms + self.timing.market_data_latency_ms
        try:
            if isinstance(command, PlaceOrder):
                counts.places += 1
                answer: object = venue.submit_place(command.request).exchange_order_id
            elif isinstance(command, ReplaceOrder):
                counts.replaces += 1
                answer = venue.submit_replace(command.previous_client_order_id, command.request).exchange_order_id
            elif isinstance(command, CancelOrder):
                counts.cancels += 1
                venue.submit_cancel(command.symbol, command.client_order_id)
                answer = ""
            else:
                counts.cancel_alls += 1
                venue.submit_cancel_all(command.symbol)
                answer = ""
        except AuthFailed:
            raise
        except ExchangeError as error:
            counts.failed_requests += 1
            self._schedule(answered_ms, _FAILED, command, failure_of(error))
            return
        self._schedule(answered_ms, _SUCCEEDED, command, answer)

    # --- the venue's answers -------------------------------------------------------------------

    def _schedule(self, at_ms: int, kind: int, payload: object, detail: object) -> None:
        self._sequence += 1
        heapq.heappush(self._deliveries, (at_ms, self._sequence, kind, payload, detail))

    def _catch_up_venue(self, now: int) -> None:
        """Let the requests due by `now` arrive at the venue, and collect what they caused."""
        arrivals = self._arrivals
        while arrivals and arrivals[0] <= now:
            arrivals.popleft()
        self.venue.advance_to(now)
        self._collect_venue_events(now)

    def _collect_venue_events(self, now: int) -> None:
        events = self.venue.drain_events()
        if events:
            self._send_on(events, now)

    def _send_on(self, events: list[AccountEvent], now: int) -> None:
        """Journal the venue's new account events and send them on their way to the engine."""
        arrives_ms = now + self.timing.market_data_latency_ms
        for event in events:
            self._journal(event)
            self._schedule(arrives_ms, _EVENT, event, None)

    def _journal(self, event: AccountEvent) -> None:
        log = self.log
        if isinstance(event, FillEvent):
            engine = self.engine
            log.fills.append(FillRecord.of(self._exchange, event.fill, engine.mode, engine.params.version))
        elif (
            isinstance(event, OrderUpdate)
            and event.order.status is OrderStatus.REJECTED
            and event.order.reason is RejectReason.POST_ONLY_WOULD_CROSS
        ):
            log.counts.post_only_rejects += 1

    def _deliver_until(self, now: int) -> None:
        """Hand the engine every answer and account event due by `now`, in the order they were sent.

        The timer is worked out once, after the last of them: nothing reads it in between, and it
        depends only on the engine's state after the last delivery.
        """
        deliveries, engine = self._deliveries, self.engine
        if not deliveries or deliveries[0][0] > now:
            return
        at_ms = now
        while deliveries and deliveries[0][0] <= now:
            at_ms, _sequence, kind, payload, detail = heapq.heappop(deliveries)
            if kind == _EVENT:
                commands = engine.on_account_event(payload, at_ms)  # type: ignore[arg-type]
                if commands or engine.last_decision is not self._seen_decision:  # an account gap ticks at once
                    self._after_engine_call(commands, at_ms)
            elif kind == _SUCCEEDED:
                follow_ups = engine.on_command_succeeded(payload, detail)  # type: ignore[arg-type]
                if follow_ups:
                    self._dispatch(follow_ups, at_ms)
            elif kind == _FAILED:
                engine.on_command_failed(payload, detail, at_ms)  # type: ignore[arg-type]
            else:
                self._read_open_orders(at_ms)
        self._refresh_timer(at_ms)

    def _read_open_orders(self, now: int) -> None:
        """The venue's open orders and position, read at `now` and answered a market-data latency later."""
        venue = self.venue
        self._catch_up_venue(now)
        answered_ms = now + self.timing.market_data_latency_ms
        snapshot = AccountResynced(self._symbol, tuple(venue.open_orders()), venue.position(), answered_ms, now)
        self._schedule(answered_ms, _EVENT, snapshot, None)

    def _report_progress(self, rows_done: int) -> None:
        progress = self._progress
        if progress is not None:
            progress(rows_done, self._rows_total)
