"""The parts the live executor's tasks and the network play around the quote engine, on simulated time.

A replay loop walks the tape's rows; this object stands between the engine and the simulated
venue as the executor stands between the engine and the exchange: it sends the engine's order
commands (they reach the venue after `order_latency_ms`), carries out the account reads the
engine asks for, hands the engine the venue's answers and account events a market-data latency
after they happen, in the order they were sent, and fires the engine's timer on the executor's
polling grid. It also records what the replay observes (fills, modes, quotes, counts).
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
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
from mm.domain.orders import AccountEvent, AccountResynced, FillEvent, OrderStatus, OrderUpdate, RejectReason
from mm.ports.errors import AuthFailed, ExchangeError
from mm.ports.replay_venue import ReplayVenue
from mm.usecases.backtest.replay_log import QuoteChange, ReplayLog
from mm.usecases.trading.quote_engine import QuoteEngine
from mm.usecases.trading.request_failures import failure_of

NEVER_MS = 1 << 62

_EVENT, _SUCCEEDED, _FAILED, _READ_ACCOUNT = range(4)


@dataclass(frozen=True, slots=True)
class ReplayTiming:
    """Simulated delays. `timer_resolution_ms` 0 fires the engine's timer exactly when due."""

    market_data_latency_ms: int = 0
    timer_resolution_ms: int = 10

    def __post_init__(self) -> None:
        if self.market_data_latency_ms < 0 or self.timer_resolution_ms < 0:
            raise ValueError("latency and timer resolution must not be negative")


class SimulatedExecutor:
    """One replay's executor around `engine` and `venue`; `timer_at` is when the engine's timer fires next.

    The replay loop reads `deliveries` (a heap of answers and events on their way to the engine,
    earliest first), `arrivals` (when requests in flight reach the venue) and `timer_at` directly:
    they decide the next instant of simulated time.
    """

    def __init__(
        self, engine: QuoteEngine, venue: ReplayVenue, log: ReplayLog, *, start_ms: int, timing: ReplayTiming
    ) -> None:
        self.engine = engine
        self.venue = venue
        self.log = log
        self.timing = timing
        self.deliveries: list[tuple[int, int, int, object, object]] = []
        self.arrivals: list[int] = []  # few in flight at once: a list, read natively when compiled
        self.timer_at = NEVER_MS
        self._start_ms = start_ms
        self._sequence = 0
        self._last_fired_ms = -NEVER_MS
        self._seen_ticks = 0
        self._last_mode_key: tuple[object, ...] | None = None
        self._last_quote_key: tuple[int, int, int, int] | None = None
        self._exchange = engine.config.exchange
        self._symbol = engine.config.symbol

    def begin(self) -> None:
        """Start as the executor does: the venue's (empty) open orders and position are the truth."""
        self.venue.advance_to(self._start_ms)
        self._schedule(self._start_ms, _READ_ACCOUNT, self._symbol, None)
        self.deliver_until(self._start_ms)
        self._refresh_timer(self._start_ms)

    def finish(self) -> None:
        """After the last row only answers already on their way land; no further time is simulated."""
        while self.deliveries:
            now = self.deliveries[0][0]
            self.catch_up_venue(now)
            self.deliver_until(now)

    def fire_timer(self, now: int) -> None:
        self._last_fired_ms = now
        self.after_engine_call(self.engine.on_timer(now), now)

    def after_engine_call(self, commands: Sequence[EngineCommand], now: int) -> None:
        if self.engine.tick_count != self._seen_ticks:
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
        self.timer_at = due_ms

    def _observe_tick(self, now: int) -> None:
        engine, log = self.engine, self.log
        decision = engine.last_decision
        self._seen_ticks = engine.tick_count
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
        self.collect_venue_events(now)
        if self.deliveries and self.deliveries[0][0] <= now:
            self.deliver_until(now)

    def _dispatch(self, commands: Sequence[EngineCommand], now: int) -> None:
        """Send order commands to the venue and schedule account reads; answers come back after the latencies."""
        for command in commands:
            if isinstance(command, RecordDecision):
                self.log.decisions.append(command.record)
            elif isinstance(command, PlaceOrder | ReplaceOrder | CancelOrder | CancelAll):
                self._send(command, now)
            elif isinstance(command, ResyncAccount):
                # Live, the read goes out once the answer is in; it takes time too (at least a millisecond).
                self._schedule(now + max(1, self.venue.order_latency_ms), _READ_ACCOUNT, command.symbol, None)

    def _send(self, command: OrderCommand, now: int) -> None:
        venue, counts = self.venue, self.log.counts
        if venue.order_latency_ms:
            self.arrivals.append(now + venue.order_latency_ms)
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

    def _schedule(self, at_ms: int, kind: int, payload: object, detail: object) -> None:
        self._sequence += 1
        heapq.heappush(self.deliveries, (at_ms, self._sequence, kind, payload, detail))

    def catch_up_venue(self, now: int) -> None:
        """Let the requests due by `now` arrive at the venue, and collect what they caused."""
        arrivals = self.arrivals
        arrived = 0
        while arrived < len(arrivals) and arrivals[arrived] <= now:
            arrived += 1
        if arrived:
            del arrivals[:arrived]
        self.venue.advance_to(now)
        self.collect_venue_events(now)

    def collect_venue_events(self, now: int) -> None:
        events = self.venue.drain_events()
        if events:
            self.send_on(events, now)

    def send_on(self, events: list[AccountEvent], now: int) -> None:
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

    def deliver_until(self, now: int) -> None:
        """Hand the engine every answer and account event due by `now`, in the order they were sent.

        The timer is worked out once, after the last of them: nothing reads it in between, and it
        depends only on the engine's state after the last delivery.
        """
        deliveries, engine = self.deliveries, self.engine
        if not deliveries or deliveries[0][0] > now:
            return
        at_ms = now
        while deliveries and deliveries[0][0] <= now:
            at_ms, _sequence, kind, payload, detail = heapq.heappop(deliveries)
            if kind == _EVENT:
                commands = engine.on_account_event(payload, at_ms)  # type: ignore[arg-type]
                if commands or engine.tick_count != self._seen_ticks:  # an account gap ticks at once
                    self.after_engine_call(commands, at_ms)
            elif kind == _SUCCEEDED:
                follow_ups = engine.on_command_succeeded(payload, detail)  # type: ignore[arg-type]
                if follow_ups:
                    self._dispatch(follow_ups, at_ms)
            elif kind == _FAILED:
                engine.on_command_failed(payload, detail, at_ms)  # type: ignore[arg-type]
            else:
                self._read_account(payload, at_ms)  # type: ignore[arg-type]
        self._refresh_timer(at_ms)

    def _read_account(self, symbol: str, now: int) -> None:
        """The venue's open orders and position in `symbol`, read at `now` and answered a market-data latency later."""
        venue = self.venue
        self.catch_up_venue(now)
        answered_ms = now + self.timing.market_data_latency_ms
        snapshot = AccountResynced(symbol, tuple(venue.open_orders()), venue.position(), answered_ms, now)
        self._schedule(answered_ms, _EVENT, snapshot, None)
