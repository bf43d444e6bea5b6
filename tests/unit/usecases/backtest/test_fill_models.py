"""Each fill model through a whole replay, on hand-built books: the engine quotes, the venue fills."""

from __future__ import annotations

import time
from decimal import Decimal

from mm.apps.backtest.simulated_venue import simulated_venue
from mm.domain.market_tape import MarketTape
from mm.domain.side import Side
from mm.usecases.backtest.backtest import BacktestResult, BacktestSpec, FillModelKind, replay_tape
from tests.unit.usecases.backtest.tapes import ASK, BID, START_MS, WARM_UP_MS, TapeBuilder, spec_for

QUOTING_MS = START_MS + WARM_UP_MS  # the engine has been quoting BID / ASK for a second by now


def replay(tape: MarketTape, spec: BacktestSpec) -> BacktestResult:
    return replay_tape(tape, spec, simulated_venue, stopwatch_ns=time.perf_counter_ns)


def fills_of(result: BacktestResult) -> list[tuple[int, Side, Decimal]]:
    return [(f.enriched.fill.ts_ms, f.enriched.fill.side, f.enriched.fill.price) for f in result.fills]


def test_the_touch_model_fills_a_resting_bid_when_a_sell_prints_at_its_price() -> None:
    tape = TapeBuilder().warm_up().trade(QUOTING_MS + 50, BID, 0.2, taker_buys=False).tape()
    assert fills_of(replay(tape, spec_for(FillModelKind.TOUCH))) == [(QUOTING_MS + 50, Side.BUY, Decimal("59999.4"))]


def test_the_touch_model_fills_a_resting_bid_when_the_best_ask_comes_down_to_it() -> None:
    tape = TapeBuilder().warm_up().quote(QUOTING_MS + 50, bid=BID - 0.1, ask=BID).tape()
    assert fills_of(replay(tape, spec_for(FillModelKind.TOUCH))) == [(QUOTING_MS + 50, Side.BUY, Decimal("59999.4"))]


def test_the_queue_model_fills_only_after_the_visible_size_ahead_has_traded() -> None:
    builder = TapeBuilder().warm_up()  # 1.0 bid ahead of our order at 59999.4
    builder.trade(QUOTING_MS + 50, BID, 0.6, taker_buys=False)
    builder.trade(QUOTING_MS + 150, BID, 0.3, taker_buys=False)
    builder.trade(QUOTING_MS + 250, BID, 0.2, taker_buys=False)
    assert fills_of(replay(builder.tape(), spec_for(FillModelKind.QUEUE))) == [
        (QUOTING_MS + 250, Side.BUY, Decimal("59999.4"))
    ]


def test_the_queue_model_moves_up_when_the_visible_level_shrinks() -> None:
    builder = TapeBuilder().warm_up()
    builder.quote(QUOTING_MS + 50, bid_sz=0.1)  # cancels ahead of us: at most 0.1 is left in front
    builder.trade(QUOTING_MS + 150, BID, 0.2, taker_buys=False)
    assert fills_of(replay(builder.tape(), spec_for(FillModelKind.QUEUE))) == [
        (QUOTING_MS + 150, Side.BUY, Decimal("59999.4"))
    ]


def test_the_queue_model_fills_at_once_when_a_trade_goes_through_the_price() -> None:
    tape = TapeBuilder().warm_up().trade(QUOTING_MS + 50, ASK + 0.1, 0.01, taker_buys=True).tape()
    assert fills_of(replay(tape, spec_for(FillModelKind.QUEUE))) == [(QUOTING_MS + 50, Side.SELL, Decimal("60000.6"))]


def test_the_queue_model_ignores_prints_whose_aggressor_hit_the_other_side() -> None:
    tape = TapeBuilder().warm_up().trade(QUOTING_MS + 50, BID, 5.0, taker_buys=True).tape()
    assert fills_of(replay(tape, spec_for(FillModelKind.QUEUE))) == []


def test_history_prints_fill_nothing() -> None:
    tape = TapeBuilder().warm_up().trade(QUOTING_MS + 50, BID, 5.0, taker_buys=False, is_history=True).tape()
    result = replay(tape, spec_for(FillModelKind.TOUCH))
    assert (result.fills, result.counts.history_trades_skipped) == ((), 1)


def test_a_print_in_the_millisecond_that_moved_the_quote_cannot_fill_the_new_quote() -> None:
    builder = TapeBuilder().warm_up()
    builder.quote(QUOTING_MS + 50, bid=BID + 1.0, ask=ASK + 1.0)  # our bid is to follow to 60000.3
    builder.trade(QUOTING_MS + 50, BID + 0.6, 0.5, taker_buys=False)  # 60000.0: under the new bid, over the old
    assert replay(builder.tape(), spec_for(FillModelKind.TOUCH)).fills == ()


def test_the_same_print_a_millisecond_later_fills_the_new_quote() -> None:
    builder = TapeBuilder().warm_up()
    builder.quote(QUOTING_MS + 50, bid=BID + 1.0, ask=ASK + 1.0)
    builder.trade(QUOTING_MS + 51, BID + 0.6, 0.5, taker_buys=False)
    assert fills_of(replay(builder.tape(), spec_for(FillModelKind.TOUCH))) == [
        (QUOTING_MS + 51, Side.BUY, Decimal("60000.3"))
    ]


def test_each_fill_pays_the_maker_fee_on_its_notional() -> None:
    tape = TapeBuilder().warm_up().trade(QUOTING_MS + 50, BID, 0.2, taker_buys=False).tape()
    result = replay(tape, spec_for(FillModelKind.TOUCH, maker_fee_rate=Decimal("0.0002")))
    assert result.fills[0].enriched.fill.fee == Decimal("59999.4") * Decimal("0.001") * Decimal("0.0002")
