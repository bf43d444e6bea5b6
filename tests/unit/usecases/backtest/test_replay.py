"""The replay loop's timing rules: latencies, the timer grid, whole milliseconds, PAUSE and recovery."""

from __future__ import annotations

import time

from mm.apps.backtest.simulated_venue import simulated_venue
from mm.domain.mode import Mode
from mm.domain.side import Side
from mm.usecases.backtest.backtest import BacktestResult, FillModelKind, replay_tape
from tests.unit.usecases.backtest.tapes import ASK, BID, START_MS, WARM_UP_MS, TapeBuilder, quiet_params, spec_for

QUOTING_MS = START_MS + WARM_UP_MS
STALE_AFTER_MS = 3_000  # the params' default


def replay(builder: TapeBuilder, **spec_changes: object) -> BacktestResult:
    return replay_tape(builder.tape(), spec_for(**spec_changes), simulated_venue, stopwatch_ns=time.perf_counter_ns)


def test_the_engine_starts_quoting_a_market_data_latency_after_the_data_allows_it() -> None:
    result = replay(TapeBuilder().warm_up(), market_data_latency_ms=40)
    first_quote = next(q for q in result.quotes if q.bid_px is not None)
    assert first_quote.ts_ms == START_MS + 10_000 + 40


def test_an_order_rests_only_once_the_order_latency_has_passed() -> None:
    builder = TapeBuilder().warm_up(until_ms=START_MS + 10_000)  # first quote sent at +10 s, resting at +10.03 s
    builder.trade(START_MS + 10_020, BID, 0.2, taker_buys=False)
    builder.trade(START_MS + 10_040, BID, 0.2, taker_buys=False)
    result = replay(builder, order_latency_ms=30)
    assert [(f.enriched.fill.ts_ms, f.enriched.fill.side) for f in result.fills] == [(START_MS + 10_040, Side.BUY)]


def test_rows_of_one_millisecond_all_reach_the_engine_before_it_decides() -> None:
    builder = TapeBuilder().warm_up()
    builder.quote(QUOTING_MS + 50, bid=BID + 5.0, ask=ASK + 5.0)
    builder.quote(QUOTING_MS + 50, bid=BID + 1.0, ask=ASK + 1.0)  # the same millisecond: this one stands
    result = replay(builder)
    quoted_bids = [q.bid_px for q in result.quotes if q.ts_ms == QUOTING_MS + 50]
    assert [str(bid) for bid in quoted_bids] == ["60000.3"]


def test_a_stale_book_pauses_the_engine_on_the_timer_grid() -> None:
    builder = TapeBuilder().warm_up().trade(QUOTING_MS + 6_000, BID, 0.1, taker_buys=True)
    result = replay(builder, timer_resolution_ms=10)
    pause = next(change for change in result.record.modes if change.mode is Mode.PAUSE)
    assert (pause.ts_ms, pause.reasons) == (START_MS + 14_010, ("stale_book",))


def test_pause_cancels_everything_then_quoting_resumes_through_defensive_once_the_book_is_fresh() -> None:
    builder = TapeBuilder().warm_up()
    for ts_ms in range(QUOTING_MS + 5_000, QUOTING_MS + 9_000, 100):
        builder.quote(ts_ms)
    result = replay(builder, params=quiet_params(calm_period_ms=1_000))
    modes_after_pause = [(c.ts_ms - START_MS, c.mode) for c in result.record.modes if c.ts_ms > QUOTING_MS]
    assert (result.pauses, result.counts.cancel_alls, modes_after_pause) == (
        ((QUOTING_MS + STALE_AFTER_MS + 1, QUOTING_MS + 5_000),),
        1,
        [(14_001, Mode.PAUSE), (16_000, Mode.DEFENSIVE), (17_000, Mode.NORMAL)],
    )


def test_no_order_rests_during_a_pause() -> None:
    builder = TapeBuilder().warm_up()
    builder.trade(QUOTING_MS + 4_000, BID, 5.0, taker_buys=False)  # stale book, our orders cancelled
    builder.quote(QUOTING_MS + 5_000)
    assert replay(builder, fill_model=FillModelKind.TOUCH).fills == ()


def test_recorded_mark_and_index_prices_let_a_strategy_that_requires_them_quote() -> None:
    builder = TapeBuilder().warm_up()
    for ts_ms in range(START_MS, QUOTING_MS + 1, 1_000):
        builder.price(ts_ms, 60_000.0, is_mark=True).price(ts_ms, 60_000.0, is_mark=False)
    needs_prices = quiet_params(requires_mark_index=True)
    quoted = [q for q in replay(builder, params=needs_prices).quotes if q.bid_px is not None]
    unpriced = [q for q in replay(TapeBuilder().warm_up(), params=needs_prices).quotes if q.bid_px is not None]
    assert (len(quoted) > 0, unpriced) == (True, [])


def test_recorded_liquidations_reach_the_engine() -> None:
    builder = TapeBuilder().warm_up().trade(QUOTING_MS + 50, BID, 1.0, taker_buys=False, is_liquidation=True)
    builder.quote(QUOTING_MS + 100)
    result = replay(builder, params=quiet_params(liquidation_soft_count=1))
    assert [(c.ts_ms, c.mode) for c in result.record.modes if "liquidations_elevated" in c.reasons] == [
        (QUOTING_MS + 50, Mode.DEFENSIVE)
    ]


def test_a_pause_with_no_order_open_ends_once_the_venue_has_shown_it_is_flat() -> None:
    builder = TapeBuilder().warm_up(until_ms=START_MS + 5_000)  # quiet from 5 s: PAUSE before the first quote
    for ts_ms in range(START_MS + 9_000, START_MS + 30_000, 100):
        builder.quote(ts_ms)
    result = replay(builder)
    quoted = [q for q in result.quotes if q.bid_px is not None]
    assert (result.counts.cancel_alls, len(result.pauses), quoted[0].ts_ms > START_MS + 9_000) == (1, 1, True)


def _book_every_100ms(builder: TapeBuilder, from_ms: int, to_ms: int) -> TapeBuilder:
    for ts_ms in range(from_ms, to_ms, 100):
        builder.quote(ts_ms)
    return builder


def test_a_recorded_gap_pauses_at_once_cancels_and_resumes_at_its_recovery() -> None:
    builder = _book_every_100ms(TapeBuilder().warm_up(), QUOTING_MS + 100, QUOTING_MS + 20_000)
    builder.gap(QUOTING_MS + 1_050, QUOTING_MS + 2_000)
    result = replay(builder)
    changes = [(c.ts_ms - QUOTING_MS, c.mode, c.reasons) for c in result.record.modes if c.ts_ms > QUOTING_MS]
    assert changes[0] == (1_050, Mode.PAUSE, ("feed_gap",))
    assert (result.counts.cancel_alls, changes[1][0] >= 2_000, changes[1][1] is not Mode.PAUSE) == (1, True, True)


def test_an_order_resting_before_a_gap_cannot_fill_on_the_jump_after_it() -> None:
    builder = _book_every_100ms(TapeBuilder().warm_up(), QUOTING_MS + 100, QUOTING_MS + 1_000)
    # The book comes back 1 s later through our bid: a live engine paused at the gap and had cancelled.
    _book_every_100ms(builder, QUOTING_MS + 2_000, QUOTING_MS + 3_000)
    builder.trade(QUOTING_MS + 2_000, BID - 1.0, 1.0, taker_buys=False)
    with_gap = replay(builder.gap(QUOTING_MS + 1_000, QUOTING_MS + 2_000), fill_model=FillModelKind.TOUCH)
    builder.gaps.clear()
    without_gap = replay(builder, fill_model=FillModelKind.TOUCH)
    assert (len(with_gap.fills), len(without_gap.fills)) == (0, 1)


def test_a_gap_never_marked_recovered_ends_at_the_next_book_row() -> None:
    builder = _book_every_100ms(TapeBuilder().warm_up(), QUOTING_MS + 100, QUOTING_MS + 1_000)
    _book_every_100ms(builder, QUOTING_MS + 5_000, QUOTING_MS + 15_000)
    result = replay(builder.gap(QUOTING_MS + 950, None))
    changes = [c for c in result.record.modes if c.ts_ms > QUOTING_MS]
    gap_ends = next(c.ts_ms for c in changes if c.ts_ms > QUOTING_MS + 950 and "feed_gap" not in c.reasons)
    assert (changes[0].ts_ms, changes[0].mode, gap_ends) == (QUOTING_MS + 950, Mode.PAUSE, QUOTING_MS + 5_000)
