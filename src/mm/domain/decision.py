"""The one decision the strategy makes on every tick: the next mode and the quotes it wants. No I/O.

The executor's engine (and the backtest, through the same engine) uses it like this:

1. on every market event, update its `MarketWindows` (`on_book`, `on_liquidation`) and its latest
   book, mark and index prices;
2. on a throttled tick, build a `MarketSnapshot` and call `decide(...)` with the position, the
   params, the `ModeState` returned by the previous decision and its `RiskCounters`;
3. keep `decision.mode_state` for the next call, execute `decision.commands` (CANCEL_ALL in
   PAUSE), and otherwise plan orders so that exactly `decision.quotes` rest on the book: per side
   a `DesiredQuote` (exact Decimal price and size) or None, meaning no order on that side.
   `decision.quotes` None means no orders at all.
"""

from __future__ import annotations

from enum import StrEnum

from mm.domain.features import Features, compute_features
from mm.domain.mode import Mode, ModeReason, ModeState
from mm.domain.no_quote import NoQuoteReason
from mm.domain.params import StrategyParams
from mm.domain.quoting import DesiredQuotes, compute_quotes
from mm.domain.risk import NO_RISK_COUNTERS, RiskCounters, assess_risk
from mm.domain.snapshot import MarketSnapshot
from mm.domain.value import value


class DecisionCommand(StrEnum):
    """Actions beyond reconciling the resting orders with the desired quotes."""

    CANCEL_ALL = "cancel_all"


_CANCEL_ALL_ONLY = (DecisionCommand.CANCEL_ALL,)


@value(frozen=True)
class Decision:
    """The next mode state, the quotes wanted (None: no orders), commands and every reason.

    `reasons` lists the mode's reasons first, then why the quote or a side of it was withheld.
    `features` are the inputs the quotes came from, for the decision log; None when they could not
    be computed.
    """

    mode_state: ModeState
    quotes: DesiredQuotes | None
    commands: tuple[DecisionCommand, ...]
    reasons: tuple[ModeReason | NoQuoteReason, ...]
    features: Features | None

    @property
    def mode(self) -> Mode:
        return self.mode_state.mode


def decide(
    snapshot: MarketSnapshot,
    position: float,
    params: StrategyParams,
    mode_state: ModeState,
    counters: RiskCounters = NO_RISK_COUNTERS,
) -> Decision:
    """Decide the next mode and the desired quotes for `snapshot`.

    `position` is the signed inventory in base units (long positive). In PAUSE the only command is
    CANCEL_ALL and there are no quotes; when a feature cannot be computed there are no quotes and
    the reason says why.
    """
    features = compute_features(snapshot, params)
    usable = None if isinstance(features, NoQuoteReason) else features
    risk = assess_risk(snapshot, usable, position, counters, params)
    state = mode_state.advance(risk.target, risk.causes, snapshot.now_ts_ms, params.calm_period_ms)
    if state.mode is Mode.PAUSE:
        return Decision(state, None, _CANCEL_ALL_ONLY, state.reasons, usable)
    if isinstance(features, NoQuoteReason):
        return Decision(state, None, (), (*state.reasons, features), None)
    quotes = compute_quotes(features, snapshot.grid, position, params, state.mode)
    if not quotes.dropped:
        return Decision(state, quotes, (), state.reasons, features)
    if quotes.bid is None and quotes.ask is None:
        return Decision(state, None, (), (*state.reasons, *quotes.dropped), features)
    return Decision(state, quotes, (), (*state.reasons, *quotes.dropped), features)
