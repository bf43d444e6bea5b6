"""The backtest's replay loop: recorded columns through the live quote engine and a simulated venue.

The engine is the executor's own `QuoteEngine`; a `SimulatedExecutor` plays the parts the
executor's tasks and the network play live, on simulated time, and this loop walks the rows:

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

from collections.abc import Callable

from mm.domain.market_tape import MarketTape
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
from mm.usecases.backtest.replay_log import ReplayLog
from mm.usecases.backtest.simulated_executor import NEVER_MS, ReplayTiming, SimulatedExecutor
from mm.usecases.trading.quote_engine import QuoteEngine

PROGRESS_EVERY_ROWS = 1 << 16


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
        self.executor = SimulatedExecutor(engine, venue, self.log, start_ms=start_ms, timing=self.timing)
        self._progress = progress
        self._rows_total = 0

    def run(self, tape: MarketTape) -> ReplayLog:
        """Replay every row of `tape` (in time order), then let answers still in flight land."""
        columns = ReplayColumns.of(tape)
        self._rows_total = tape.row_count
        self.executor.begin()
        if columns.needs_merged_rows:
            self._run_mixed(columns)
        else:
            self._run_book_and_trades(columns)
        self.executor.finish()
        return self.log

    def _run_book_and_trades(self, c: ReplayColumns) -> None:  # noqa: PLR0912, PLR0915 - the hot loop, inlined on purpose (measured)
        """The loop for tapes of book and trade rows only (every shared recording): the fast path."""
        engine, venue, log, executor = self.engine, self.venue, self.log, self.executor
        catch_up_venue, deliver_until, fire_timer = executor.catch_up_venue, executor.deliver_until, executor.fire_timer
        send_on, after_engine_call = executor.send_on, executor.after_engine_call
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
        deliveries, arrivals = executor.deliveries, executor.arrivals
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
            now = min(now, executor.timer_at)
            if deliveries and deliveries[0][0] < now:
                now = deliveries[0][0]
            if arrivals and arrivals[0] <= now:
                catch_up_venue(now)
            if deliveries and deliveries[0][0] <= now:
                deliver_until(now)
            if executor.timer_at <= now:
                fire_timer(now)
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
                    send_on(events, now)
                if deliveries and deliveries[0][0] <= now:
                    deliver_until(now)
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
                after_engine_call(commands, now)
            if book_row + trade_row >= next_progress:
                self._report_progress(book_row + trade_row)
                next_progress += PROGRESS_EVERY_ROWS
        log.counts.rows = book_count + trade_count
        log.counts.history_trades_skipped = skipped
        self._report_progress(book_count + trade_count)

    def _run_mixed(self, c: ReplayColumns) -> None:
        """Tapes with mark/index prices, liquidation prints or gaps: every engine input kind, in time order."""
        executor = self.executor
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
            now = min(
                venue_ms, engine_ms, executor.timer_at, executor.deliveries[0][0] if executor.deliveries else NEVER_MS
            )
            executor.catch_up_venue(now)
            executor.deliver_until(now)
            if executor.timer_at <= now:
                executor.fire_timer(now)
            while venue_at < len(venue_rows) and venue_rows[venue_at][0] == now:
                skipped += self._apply_venue_row(c, venue_rows[venue_at], now)
                venue_at += 1
            executor.collect_venue_events(now)
            executor.deliver_until(now)
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
        engine, executor = self.engine, self.executor
        market_rows: list[tuple[int, int, int]] = []
        for row in group:
            _ts, kind, index = row
            if kind in (GAP_START, GAP_END):
                if market_rows:
                    executor.after_engine_call(apply_engine_group(engine, c, market_rows, now), now)
                    market_rows = []
                event = gap_event(c, kind, index, engine.config.exchange, engine.config.symbol)
                executor.after_engine_call(engine.on_market_event(event, now), now)
            else:
                market_rows.append(row)
        if market_rows:
            executor.after_engine_call(apply_engine_group(engine, c, market_rows, now), now)

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

    def _report_progress(self, rows_done: int) -> None:
        progress = self._progress
        if progress is not None:
            progress(rows_done, self._rows_total)
