from __future__ import annotations

from mm.domain.mode import Mode, ModeReason, ModeState

CALM_MS = 30_000
STALE = (ModeReason.STALE_BOOK,)
SOFT = (ModeReason.DIVERGENCE_SOFT,)
PENDING = (ModeReason.CALM_PERIOD_PENDING,)

NORMAL = ModeState(Mode.NORMAL, since_ts_ms=0, calm_since_ts_ms=0)
DEFENSIVE = ModeState(Mode.DEFENSIVE, since_ts_ms=0, calm_since_ts_ms=None, reasons=SOFT)
PAUSED = ModeState(Mode.PAUSE, since_ts_ms=0, calm_since_ts_ms=None, reasons=STALE)


def test_a_started_strategy_is_defensive_until_a_calm_period_passes() -> None:
    assert ModeState.starting(1_000) == ModeState(Mode.DEFENSIVE, 1_000, 1_000, PENDING)


def test_normal_goes_to_pause_at_once_on_a_hard_cause() -> None:
    assert NORMAL.advance(Mode.PAUSE, STALE, 5_000, CALM_MS) == ModeState(Mode.PAUSE, 5_000, None, STALE)


def test_defensive_goes_to_pause_at_once_on_a_hard_cause() -> None:
    assert DEFENSIVE.advance(Mode.PAUSE, STALE, 5_000, CALM_MS).mode is Mode.PAUSE


def test_normal_goes_to_defensive_at_once_on_a_soft_cause() -> None:
    assert NORMAL.advance(Mode.DEFENSIVE, SOFT, 5_000, CALM_MS) == ModeState(Mode.DEFENSIVE, 5_000, None, SOFT)


def test_pause_steps_down_to_defensive_when_its_cause_clears() -> None:
    assert PAUSED.advance(Mode.NORMAL, (), 5_000, CALM_MS) == ModeState(Mode.DEFENSIVE, 5_000, 5_000, PENDING)


def test_pause_never_jumps_straight_to_normal_even_without_a_calm_period() -> None:
    assert PAUSED.advance(Mode.NORMAL, (), 5_000, calm_period_ms=0).mode is Mode.DEFENSIVE


def test_pause_steps_down_to_defensive_when_only_a_soft_cause_remains() -> None:
    assert PAUSED.advance(Mode.DEFENSIVE, SOFT, 5_000, CALM_MS) == ModeState(Mode.DEFENSIVE, 5_000, None, SOFT)


def test_defensive_without_causes_waits_out_the_calm_period() -> None:
    calming = DEFENSIVE.advance(Mode.NORMAL, (), 10_000, CALM_MS)

    still_calming = calming.advance(Mode.NORMAL, (), 10_000 + CALM_MS - 1, CALM_MS)

    assert calming == ModeState(Mode.DEFENSIVE, 0, 10_000, PENDING)
    assert still_calming.mode is Mode.DEFENSIVE


def test_defensive_becomes_normal_once_the_calm_period_has_passed() -> None:
    calming = DEFENSIVE.advance(Mode.NORMAL, (), 10_000, CALM_MS)

    assert calming.advance(Mode.NORMAL, (), 10_000 + CALM_MS, CALM_MS) == ModeState(Mode.NORMAL, 40_000, 10_000)


def test_a_cause_flickering_inside_the_calm_period_restarts_it() -> None:
    state = DEFENSIVE.advance(Mode.NORMAL, (), 10_000, CALM_MS)
    state = state.advance(Mode.DEFENSIVE, SOFT, 20_000, CALM_MS)
    state = state.advance(Mode.NORMAL, (), 21_000, CALM_MS)

    assert state.advance(Mode.NORMAL, (), 10_000 + CALM_MS, CALM_MS).mode is Mode.DEFENSIVE
    assert state.advance(Mode.NORMAL, (), 21_000 + CALM_MS, CALM_MS).mode is Mode.NORMAL


def test_a_pause_cause_flickering_never_reaches_normal_before_a_full_calm_period() -> None:
    state = NORMAL
    modes = []
    for second in range(60):
        causes = STALE if second % 2 == 0 else ()
        target = Mode.PAUSE if causes else Mode.NORMAL
        state = state.advance(target, causes, second * 1_000, CALM_MS)
        modes.append(state.mode)

    assert Mode.NORMAL not in modes


def test_a_mode_keeps_its_start_time_while_its_causes_change() -> None:
    state = PAUSED.advance(Mode.PAUSE, (ModeReason.FEED_GAP,), 9_000, CALM_MS)

    assert state == ModeState(Mode.PAUSE, 0, None, (ModeReason.FEED_GAP,))


def test_an_unchanged_mode_returns_the_same_state_object() -> None:
    assert PAUSED.advance(Mode.PAUSE, STALE, 9_000, CALM_MS) is PAUSED
    assert NORMAL.advance(Mode.NORMAL, (), 9_000, CALM_MS) is NORMAL


def test_normal_stays_normal_without_causes() -> None:
    assert NORMAL.advance(Mode.NORMAL, (), 99_000, CALM_MS).mode is Mode.NORMAL


def test_a_resumed_strategy_is_defensive_whatever_mode_it_saved() -> None:
    for saved in (NORMAL, DEFENSIVE, PAUSED):
        assert ModeState.resumed(saved, 90_000).mode is Mode.DEFENSIVE


def test_a_resumed_strategy_starts_its_calm_period_at_the_restart() -> None:
    assert ModeState.resumed(NORMAL, 90_000) == ModeState(Mode.DEFENSIVE, 90_000, 90_000, PENDING)


def test_a_resumed_defensive_strategy_keeps_when_it_became_defensive() -> None:
    assert ModeState.resumed(DEFENSIVE, 90_000).since_ts_ms == DEFENSIVE.since_ts_ms


def test_downtime_does_not_count_toward_the_calm_period() -> None:
    calming = ModeState(Mode.DEFENSIVE, 0, 0, PENDING)
    resumed = ModeState.resumed(calming, CALM_MS + 5_000)
    assert resumed.advance(Mode.NORMAL, (), CALM_MS + 5_001, CALM_MS).mode is Mode.DEFENSIVE
    assert resumed.advance(Mode.NORMAL, (), 2 * CALM_MS + 5_000, CALM_MS).mode is Mode.NORMAL
