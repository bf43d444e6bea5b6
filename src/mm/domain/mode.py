"""The NORMAL / DEFENSIVE / PAUSE operating mode of the quoting strategy and its transitions. No I/O."""

from __future__ import annotations

from enum import StrEnum

from mm.domain.value import value


class Mode(StrEnum):
    """Operating modes, ordered by priority: PAUSE over DEFENSIVE over NORMAL."""

    NORMAL = "NORMAL"
    DEFENSIVE = "DEFENSIVE"
    PAUSE = "PAUSE"

    @property
    def priority(self) -> int:
        return _PRIORITY[self]


_PRIORITY = {Mode.NORMAL: 0, Mode.DEFENSIVE: 1, Mode.PAUSE: 2}


class ModeReason(StrEnum):
    """Why the strategy is in its mode: a PAUSE or DEFENSIVE cause, or the calm period still running."""

    FEED_GAP = "feed_gap"
    STALE_BOOK = "stale_book"
    STALE_MARK_INDEX = "stale_mark_index"
    DIVERGENCE_HARD = "divergence_hard"
    LIQUIDATION_BURST = "liquidation_burst"
    INVENTORY_PAST_HARD_LIMIT = "inventory_past_hard_limit"
    EXCHANGE_ERROR_BURST = "exchange_error_burst"
    PRICE_UNCONFIRMED = "price_unconfirmed"
    DIVERGENCE_SOFT = "divergence_soft"
    LIQUIDATIONS_ELEVATED = "liquidations_elevated"
    INVENTORY_AT_LIMIT = "inventory_at_limit"
    VOLATILITY_HIGH = "volatility_high"
    CALM_PERIOD_PENDING = "calm_period_pending"


_CALM_PERIOD_PENDING = (ModeReason.CALM_PERIOD_PENDING,)


@value(frozen=True)
class ModeState:
    """The current mode, since when, and since when no DEFENSIVE or PAUSE cause has been seen.

    `calm_since_ts_ms` is None while any cause is present. A restart resumes DEFENSIVE with the calm
    period starting afresh (`resumed`): only live time, watched, counts as calm.
    """

    mode: Mode
    since_ts_ms: int
    calm_since_ts_ms: int | None
    reasons: tuple[ModeReason, ...] = ()

    @staticmethod
    def starting(now_ts_ms: int) -> ModeState:
        """The state of a freshly started strategy: DEFENSIVE until one calm period has passed."""
        return ModeState(Mode.DEFENSIVE, now_ts_ms, now_ts_ms, _CALM_PERIOD_PENDING)

    @staticmethod
    def resumed(saved: ModeState, now_ts_ms: int) -> ModeState:
        """The state of a restarted strategy, whatever it saved: DEFENSIVE until a calm period of live time.

        The downtime was not watched, so the saved calm period does not carry across it; a saved
        DEFENSIVE keeps its start, any other mode becomes DEFENSIVE now.
        """
        since_ts_ms = saved.since_ts_ms if saved.mode is Mode.DEFENSIVE else now_ts_ms
        return ModeState(Mode.DEFENSIVE, since_ts_ms, now_ts_ms, _CALM_PERIOD_PENDING)

    def advance(self, target: Mode, causes: tuple[ModeReason, ...], now_ts_ms: int, calm_period_ms: int) -> ModeState:
        """Move toward `target`, the mode the present `causes` call for, with hysteresis.

        PAUSE and DEFENSIVE causes apply at once. Without causes, PAUSE steps down to DEFENSIVE
        first, and DEFENSIVE becomes NORMAL only after `calm_period_ms` without any cause, so a
        cause that flickers on and off cannot make the mode flap. Returns `self` when nothing
        changes, so a steady state costs no allocation.
        """
        if target is not Mode.NORMAL:
            if self.mode is target and self.reasons == causes and self.calm_since_ts_ms is None:
                return self
            since_ts_ms = self.since_ts_ms if self.mode is target else now_ts_ms
            return ModeState(target, since_ts_ms, None, causes)
        if self.mode is Mode.NORMAL:
            return self
        if self.mode is Mode.PAUSE:
            return ModeState(Mode.DEFENSIVE, now_ts_ms, now_ts_ms, _CALM_PERIOD_PENDING)
        return self._calming(now_ts_ms, calm_period_ms)

    def _calming(self, now_ts_ms: int, calm_period_ms: int) -> ModeState:
        """DEFENSIVE without causes: start or continue the calm period, and end it in NORMAL."""
        calm_since_ts_ms = self.calm_since_ts_ms
        if calm_since_ts_ms is None:
            return ModeState(Mode.DEFENSIVE, self.since_ts_ms, now_ts_ms, _CALM_PERIOD_PENDING)
        if now_ts_ms - calm_since_ts_ms >= calm_period_ms:
            return ModeState(Mode.NORMAL, now_ts_ms, calm_since_ts_ms)
        return self
