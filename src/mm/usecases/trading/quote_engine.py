"""The quote engine: market, account and timer inputs in, commands out. Synchronous, no I/O, no clock of its own.

The live executor drives it from asyncio tasks and the backtest from a replay loop; both pass the
time in with every call and execute the returned commands. Per call:

- `on_bbo_values` / `on_trade_values` / `on_mark_value` / `on_index_value`: the fast path, plain
  floats, no object per event; `on_market_event` converts a normalized event and calls them;
- `on_account_event`: order updates, fills, positions, REST re-syncs, account stream gaps;
- `on_command_succeeded` / `on_command_failed`: the venue's answer to an order command;
- `on_timer`: call it at `next_timer_ms()` (held ticks, the max-interval tick, cancel-all resends,
  state saves).

Decisions run only on throttled ticks. A tick builds a `MarketSnapshot`, calls `decide`, and then
either keeps PAUSE's cancel-all loop going or plans the fewest order requests for the quotes. What
the engine knows of its own orders, position and errors lives in its `EngineAccount`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from mm.domain.decision import Decision, decide
from mm.domain.decision_log import DecisionLog
from mm.domain.engine_commands import (
    CancelAll,
    EngineCommand,
    OrderCommand,
    PersistState,
    RecordDecision,
    ReportRefusal,
    ResyncAccount,
)
from mm.domain.execution_plan import PlanPolicy, plan_orders
from mm.domain.instrument import Instrument
from mm.domain.market_events import (
    BestBidOffer,
    FeedGap,
    FeedRecovered,
    MarketEvent,
    PriceKind,
    PriceUpdate,
    PublicTrade,
)
from mm.domain.market_state import MarketState
from mm.domain.mode import Mode, ModeState
from mm.domain.operations_record import OperationsRecord
from mm.domain.order_issuer import OrderIssuer
from mm.domain.order_outcomes import RequestFailure
from mm.domain.order_rate_budget import OrderRateBudget
from mm.domain.orders import AccountEvent
from mm.domain.own_orders import OrderPhase
from mm.domain.params import StrategyParams
from mm.domain.pre_trade_check import reference_prices, screen_plan
from mm.domain.price_sanity import PriceSanity
from mm.domain.quoting import DesiredQuote
from mm.domain.recorded_incidents import RecordedIncidents
from mm.domain.risk import RiskCounters
from mm.domain.rollout import OperationalFacts
from mm.domain.saved_engine_state import SavedEngineState, from_snapshot, to_snapshot
from mm.domain.strategy_snapshot import StrategySnapshot
from mm.domain.throttle import TickThrottle
from mm.domain.tick_grid import TickGrid
from mm.usecases.trading.engine_account import EngineAccount
from mm.usecases.trading.engine_config import EngineConfig

NO_COMMANDS: tuple[EngineCommand, ...] = ()
_NEVER_MS = 2**62


class QuoteEngine:
    """One market's quoting state machine. Construct by hand; every input carries its time (epoch ms)."""

    def __init__(self, config: EngineConfig, instrument: Instrument, params: StrategyParams, now_ms: int) -> None:
        if instrument.symbol != config.symbol:
            raise ValueError(f"instrument {instrument.symbol} does not match the engine's market {config.symbol}")
        self.config = config
        self.instrument = instrument
        self.grid = TickGrid(instrument)
        self.params = params
        self.market = MarketState(
            params.liquidation_window_ms, PriceSanity(params.price_jump_band_bps, params.price_confirm_updates)
        )
        self._operations = OperationsRecord()
        self.account = EngineAccount(config, instrument, params.error_window_ms, self.market, self._operations)
        self.orders = self.account.orders  # the tick reads these directly: one attribute lookup less
        self.inventory = self.account.inventory
        self._guard = self.account.guard
        self._errors = self.account.errors
        self.mode_state = ModeState.starting(now_ms)
        self.last_decision: Decision | None = None
        self._throttle = TickThrottle(params.min_tick_interval_ms, params.max_tick_interval_ms)
        self._policy = PlanPolicy(params.refresh_interval_ms, params.price_tolerance_bps)
        self._budget = OrderRateBudget(config.max_requests_per_second, config.max_requests_per_minute)
        self._decision_log = DecisionLog(config.exchange, config.symbol, config.decision_heartbeat_ms)
        self._forced_pause_reasons: tuple[str, ...] = ()
        self._issuer = OrderIssuer(config.symbol, config.client_order_id_prefix)
        self._saved_version = 0
        self._last_save_ms = now_ms
        self.tick_count = 0
        """Every strategy tick, the skipped ones included (`skipped_ticks` of them)."""
        self.skipped_ticks = 0
        self._unchanged_inputs: tuple[object, ...] | None = None
        self._unchanged_until_ms = 0

    @property
    def mode(self) -> Mode:
        return Mode.PAUSE if self._forced_pause_reasons else self.mode_state.mode

    @property
    def position(self) -> float:
        return self.inventory.position

    @property
    def is_awaiting_flat(self) -> bool:
        """A cancel-all went out and the venue has not yet shown that nothing of ours is open."""
        return self._guard.is_awaiting_flat

    def desired_quotes(self) -> tuple[DesiredQuote | None, DesiredQuote | None]:
        decision = self.last_decision
        if decision is None or decision.quotes is None or self.mode is Mode.PAUSE:
            return None, None
        return decision.quotes.bid, decision.quotes.ask

    def run_pnl(self) -> float | None:
        return self.inventory.run_pnl(self.market.mid)

    def operational_facts(self, now_ms: int) -> OperationalFacts:
        """The mode and the last hour's PAUSEs, data gaps and exchange errors (for a params rollout)."""
        return self._operations.facts(self.mode, now_ms)

    def restore(self, snapshot: StrategySnapshot, now_ms: int) -> None:
        """Continue from a saved state: owned orders (state UNKNOWN until re-synced), ids, and the mode resumed.

        The mode resumes DEFENSIVE with a fresh calm period (`ModeState.resumed`): the downtime was not watched.
        """
        saved = from_snapshot(snapshot, self.instrument.tick_size, self.instrument.step_size)
        self.mode_state = ModeState.resumed(saved.mode_state, now_ms)
        self.orders.restore(saved.orders)
        self._issuer.next_seq = max(self._issuer.next_seq, saved.next_client_order_seq)
        self._saved_version = snapshot.version

    def recall_incidents(self, incidents: RecordedIncidents) -> None:
        """Count the incidents recorded before this engine started (a restart) toward the operations gate."""
        self._operations.recall(incidents)

    def state_snapshot(self, now_ms: int) -> StrategySnapshot:
        """The state to save now, one version above the last saved one."""
        saved = SavedEngineState(self.mode_state, tuple(self.orders), self._issuer.next_seq)
        return to_snapshot(
            saved,
            exchange=self.config.exchange,
            symbol=self.config.symbol,
            params_version=self.params.version,
            now_ms=now_ms,
            version=self._saved_version + 1,
        )

    @property
    def saved_version(self) -> int:
        """The version of the last snapshot saved (0: none yet); the next save must be one above."""
        return self._saved_version

    def on_state_saved(self, version: int) -> None:
        self._saved_version = max(self._saved_version, version)

    def apply_params(self, params: StrategyParams) -> None:
        """Quote with `params` from the next tick on (a rollout or rollback)."""
        self.params = params
        self.market.sanity.set_limits(params.price_jump_band_bps, params.price_confirm_updates)
        self._throttle.set_intervals(params.min_tick_interval_ms, params.max_tick_interval_ms)
        self._policy = PlanPolicy(params.refresh_interval_ms, params.price_tolerance_bps)

    def on_bbo_values(
        self, ts_ms: int, bid_px: float | None, bid_sz: float | None, ask_px: float | None, ask_sz: float | None
    ) -> Sequence[EngineCommand]:
        self.market.on_bbo(ts_ms, bid_px, bid_sz, ask_px, ask_sz)
        if self._throttle.on_event(ts_ms):
            return self._tick(ts_ms)
        return NO_COMMANDS

    def on_trade_values(self, ts_ms: int, is_liquidation: bool, price: float | None = None) -> Sequence[EngineCommand]:
        """A print's price may confirm a price the sanity guard held back; only liquidations move a feature."""
        if price is not None:
            self.market.on_trade(price)
        if not is_liquidation:
            return NO_COMMANDS
        self.market.on_liquidation(ts_ms)
        if self._throttle.on_event(ts_ms):
            return self._tick(ts_ms)
        return NO_COMMANDS

    def on_mark_value(self, ts_ms: int, price: float) -> Sequence[EngineCommand]:
        self.market.on_mark(ts_ms, price)
        if self._throttle.on_event(ts_ms):
            return self._tick(ts_ms)
        return NO_COMMANDS

    def on_index_value(self, ts_ms: int, price: float) -> Sequence[EngineCommand]:
        self.market.on_index(ts_ms, price)
        if self._throttle.on_event(ts_ms):
            return self._tick(ts_ms)
        return NO_COMMANDS

    def on_market_event(self, event: MarketEvent, now_ms: int) -> Sequence[EngineCommand]:
        """Feed one normalized event, stamped with `now_ms`; events of other markets are ignored."""
        if event.symbol != self.config.symbol:
            return NO_COMMANDS
        if isinstance(event, BestBidOffer):
            return self.on_bbo_values(
                now_ms,
                _float_or_none(event.bid_px),
                _float_or_none(event.bid_sz),
                _float_or_none(event.ask_px),
                _float_or_none(event.ask_sz),
            )
        if isinstance(event, PublicTrade):
            is_live = not event.is_replay  # a replayed print is history: it confirms no price and counts nothing
            return self.on_trade_values(now_ms, event.is_liquidation, float(event.price)) if is_live else NO_COMMANDS
        if isinstance(event, PriceUpdate):
            if event.kind is PriceKind.MARK:
                return self.on_mark_value(now_ms, float(event.price))
            return self.on_index_value(now_ms, float(event.price))
        return self._on_feed_health(event, now_ms)

    def _on_feed_health(self, event: FeedGap | FeedRecovered, now_ms: int) -> Sequence[EngineCommand]:
        """A gap is stale data: PAUSE now, not at the next throttled tick. A recovery is ticked at once too."""
        if isinstance(event, FeedGap):
            self.market.on_gap(event.stream)
            self._operations.on_gap(now_ms)
        else:
            self.market.on_recovered(event.stream)
        return self._tick(now_ms)

    def on_account_event(self, event: AccountEvent, now_ms: int) -> Sequence[EngineCommand]:
        """Take in what the venue says about our account; a stream gap pauses at once."""
        if self.account.on_event(event, now_ms):
            return self._tick(now_ms)
        guard = self._guard
        if guard.is_pausing and guard.should_send(now_ms, not self.orders.is_empty):
            return self._cancel_all(now_ms)  # an order turned up in PAUSE: no waiting for the next tick
        return NO_COMMANDS

    def on_venue_flat(self, now_ms: int) -> None:
        """The venue listed no open order of ours while no request was in flight: forget every order.

        Only the executor's shutdown can know that nothing is in flight; the grace of ordinary
        snapshots does not apply then.
        """
        self.account.on_venue_flat(now_ms)

    def on_command_succeeded(self, command: OrderCommand, exchange_order_id: str = "") -> Sequence[EngineCommand]:
        """The venue accepted `command`. An answered cancel-all is followed by a read of what is still open."""
        self.account.on_succeeded(command, exchange_order_id)
        if isinstance(command, CancelAll):
            return (ResyncAccount(command.symbol),)
        return NO_COMMANDS

    def on_command_failed(self, command: OrderCommand, failure: RequestFailure, now_ms: int) -> None:
        """The venue refused, could not find, or did not answer `command`; a post-only cross waits for the next tick."""
        self.account.on_failed(command, failure, now_ms)

    def next_timer_ms(self) -> int | None:
        """When `on_timer` must be called next (None: at once, nothing has ticked yet)."""
        due = self._throttle.next_due_ms()
        if due is None:
            return None
        urgent = self._next_urgent_ms()
        if urgent is not None and urgent < due:
            due = urgent
        return min(due, self._last_save_ms + self.config.state_save_interval_ms)

    def _next_urgent_ms(self) -> int | None:
        """A tick that cannot wait for the throttle: a cancel-all re-send, or the book turning stale."""
        resend = self._guard.next_resend_ms()
        bbo_ts_ms = self.market.bbo_ts_ms
        if bbo_ts_ms is None or self._guard.is_pausing:
            return resend
        stale_ms = bbo_ts_ms + self.params.stale_after_ms + 1
        return stale_ms if resend is None else min(resend, stale_ms)

    def on_timer(self, now_ms: int) -> Sequence[EngineCommand]:
        commands: list[EngineCommand] = []
        urgent = self._next_urgent_ms()
        if self._throttle.is_due(now_ms) or (urgent is not None and now_ms >= urgent):
            commands.extend(self._tick(now_ms))
        if self._is_save_due(now_ms, commands):
            self._last_save_ms = now_ms
            commands.append(PersistState(self.state_snapshot(now_ms)))
        return commands

    def _is_save_due(self, now_ms: int, commands: Sequence[EngineCommand]) -> bool:
        """Whether to save state in this timer call.

        A call that sends orders leaves the save to the next timer call (building the snapshot
        would hold the orders back by tens of microseconds), but never past a second interval.
        """
        interval_ms = self.config.state_save_interval_ms
        since_ms = now_ms - self._last_save_ms
        if since_ms < interval_ms:
            return False
        return since_ms >= 2 * interval_ms or not any(isinstance(c, OrderCommand) for c in commands)

    def force_pause(self, reason: str, now_ms: int) -> Sequence[EngineCommand]:
        """PAUSE for a cause the strategy cannot see; it lasts for this engine's life. Ticks at once."""
        self.halt(reason)
        return self._tick(now_ms)

    def halt(self, reason: str) -> None:
        """PAUSE for good without ticking: after a failure, the tick may be the code that failed.

        The mode reads PAUSE from now on and no tick plans an order; the caller cancels at the venue.
        """
        if reason not in self._forced_pause_reasons:
            self._forced_pause_reasons = (*self._forced_pause_reasons, reason)

    def _tick_inputs(self) -> tuple[object, ...]:
        """Everything a tick's decision and plan read, except time: equal inputs give equal output while
        `_unchanged_until_ms` has not come (see `_unchanged_until`).

        Book prices (and whether both sizes are usable), mark and index, gaps, the price-sanity guard's
        verdict and trusted mid (the pre-trade check's fallback reference), the liquidation
        window's change counter, the volatility windows' sums and sample threshold, position, the
        error window's change counter, mode state, params, forced pauses, the cancel-all guard and
        our orders (immutable values, replaced on every change). Book sizes only move the imbalance
        feature, which no quote, risk cause or command reads.
        """
        market, guard = self.market, self._guard
        bid_sz, ask_sz = market.bid_sz, market.ask_sz
        windows = market.windows
        return (
            market.bid_px,
            market.ask_px,
            bid_sz is not None and ask_sz is not None and bid_sz > 0.0 and ask_sz > 0.0,
            market.mark_px,
            market.index_px,
            bool(market.gaps),
            market.sanity.is_confirmed,
            market.sanity.trusted_mid,
            windows.liquidations.version,
            windows.volatility.change_key(self.params.vol_min_samples),
            self.inventory.position,
            self._errors.version,
            self.mode_state,
            self.params,
            self._forced_pause_reasons,
            guard.is_pausing,
            guard.is_awaiting_flat,
            tuple(self.orders),
        )

    def _unchanged_until(self, now_ms: int) -> int:
        """The first instant at which time alone could change the output of a tick with today's inputs.

        Exact checks, each the instant its comparison in the strategy flips: the book turning stale,
        mark or index turning stale, a sample leaving a volatility window or the warm-up ending, a
        liquidation or an error leaving its window, the calm period ending, a working order reaching
        its refresh age, the decision log's heartbeat. At or before `now_ms`: no skipping.
        """
        market, params = self.market, self.params
        until = _NEVER_MS
        if market.bbo_ts_ms is not None:
            until = min(until, market.bbo_ts_ms + params.stale_after_ms + 1)
        for price_ts_ms in (market.mark_ts_ms, market.index_ts_ms):
            if price_ts_ms is not None:
                until = min(until, price_ts_ms + params.mark_index_stale_after_ms + 1)
        windows = market.windows
        for change_ms in (
            windows.volatility.next_change_ms(now_ms, params.vol_min_samples),
            windows.liquidations.next_expiry_ms(),
            self._errors.next_expiry_ms(),
        ):
            if change_ms is not None:
                until = min(until, change_ms)
        mode_state = self.mode_state
        if mode_state.mode is Mode.DEFENSIVE and mode_state.calm_since_ts_ms is not None:
            until = min(until, mode_state.calm_since_ts_ms + params.calm_period_ms)
        for order in self.orders:
            if order.phase is OrderPhase.WORKING:
                until = min(until, order.sent_ts_ms + params.refresh_interval_ms)
        if self.config.records_decisions:
            heartbeat_ms = self._decision_log.next_heartbeat_ms()
            until = min(until, heartbeat_ms if heartbeat_ms is not None else now_ms)
        return until

    def _tick(self, now_ms: int) -> Sequence[EngineCommand]:
        self._throttle.mark_ticked(now_ms)
        self.tick_count += 1
        if (
            self.config.skips_unchanged_ticks
            and now_ms < self._unchanged_until_ms
            and self._tick_inputs() == self._unchanged_inputs
        ):
            self.skipped_ticks += 1
            return NO_COMMANDS
        self._unchanged_until_ms = 0
        snapshot = self.market.snapshot(now_ms, self.grid)
        counters = RiskCounters(self._errors.count(now_ms))
        previous_mode = self.mode
        decision = decide(snapshot, self.inventory.position, self.params, self.mode_state, counters)
        self.mode_state = decision.mode_state
        self.last_decision = decision
        guard = self._guard
        is_paused = self.mode is Mode.PAUSE
        if is_paused and previous_mode is not Mode.PAUSE:
            self._operations.on_pause(now_ms)
        guard.set_paused(is_paused)
        commands: list[EngineCommand] = []
        if guard.should_send(now_ms, not self.orders.is_empty):
            commands.extend(self._cancel_all(now_ms))
        elif not guard.blocks_new_orders:
            quotes = decision.quotes
            plan = plan_orders(
                quotes.bid if quotes is not None else None,
                quotes.ask if quotes is not None else None,
                self.orders,
                now_ms=now_ms,
                policy=self._policy,
                budget=self._budget.available(now_ms),
            )
            if plan.intents:
                plan, refusals = screen_plan(
                    plan,
                    reference_prices(snapshot, self.params, self.market.sanity.trusted_mid),
                    self.params.max_order_deviation_bps,
                )
                commands.extend(self._issuer.issue(plan, self.orders, now_ms))
                self._budget.spend(now_ms, len(plan.intents))
                symbol = self.config.symbol
                commands.extend(ReportRefusal(symbol, refusal) for refusal in refusals)
            elif not plan.deferred and self.config.skips_unchanged_ticks and self.mode is not Mode.PAUSE:
                # Nothing to send and nothing held back by the budget: the next ticks may repeat this one.
                self._unchanged_inputs = self._tick_inputs()
                self._unchanged_until_ms = self._unchanged_until(now_ms)
        if self.config.records_decisions:
            record = self._decision_log.record_if_news(
                decision,
                mode=self.mode,
                previous_mode=previous_mode,
                reasons=tuple(str(r) for r in (*self._forced_pause_reasons, *decision.reasons)),
                quotes=self.desired_quotes(),
                params_version=self.params.version,
                mid=self.market.mid,
                position=self.inventory.position,
                commands=commands,
                now_ms=now_ms,
            )
            if record is not None:
                commands.append(RecordDecision(record))
        return commands

    def _cancel_all(self, now_ms: int) -> list[EngineCommand]:
        """PAUSE's request: outside the request budget, since it only ever lowers risk."""
        self.orders.on_cancel_all_sent(now_ms)
        self._budget.spend(now_ms)
        self._guard.on_sent(now_ms)
        return [CancelAll(self.config.symbol)]


def _float_or_none(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
