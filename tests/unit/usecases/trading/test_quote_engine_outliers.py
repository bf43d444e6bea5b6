"""Outlier prices in the quote engine: no order priced from one, no exception from an absurd number.

The cases are the findings on loopback: on a 100000/100001 book, one frame with ask 200000 made the
engine send a BUY replace at 149,940, through the real ask; a SELL at 150,060 and, after a frame with
bid 50000, a BUY at 74,970 were sent too; an ask of 1e308 crashed the tick and then the PAUSE tick.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal

import pytest

from mm.domain.engine_commands import CancelAll, EngineCommand, PlaceOrder, ReplaceOrder, ReportRefusal
from mm.domain.market_events import PublicTrade
from mm.domain.mode import Mode, ModeReason
from mm.domain.orders import OrderStatus
from mm.domain.pre_trade_check import RefusalReason
from mm.domain.side import Side

from .engine_examples import SYMBOL, Driver, a_driver, order_commands

MID = 100_000.5


def priced_orders(commands: Iterable[EngineCommand]) -> list[tuple[Side, Decimal]]:
    return [
        (c.request.side, c.request.price) for c in order_commands(commands) if isinstance(c, PlaceOrder | ReplaceOrder)
    ]


def refusals(commands: Iterable[EngineCommand]) -> list[ReportRefusal]:
    return [c for c in commands if isinstance(c, ReportRefusal)]


def book(driver: Driver, bid_px: float, ask_px: float, *, with_mark_index: bool = False) -> list[EngineCommand]:
    """Feed one book (and mark and index at 100000.5), answering every order command as the venue would."""
    commands = driver.book(bid_px, ask_px)
    if with_mark_index:
        commands += driver.engine.on_mark_value(driver.now_ms, MID)
        commands += driver.engine.on_index_value(driver.now_ms, MID)
    driver.accept(commands)
    if CancelAll(SYMBOL) in commands:
        for order in list(driver.engine.orders):
            driver.report(order.client_order_id, OrderStatus.CANCELLED)
        driver.resync()
    return commands


def quoting_at_100000(*, with_mark_index: bool = False, **changes: object) -> Driver:
    """A warmed-up engine quoting both sides of a 100000/100001 book, its orders resting."""
    if with_mark_index:
        changes["requires_mark_index"] = True
    driver = a_driver(vol_multiplier=0.0, **changes)
    for _ in range(130):
        book(driver, 100_000.0, 100_001.0, with_mark_index=with_mark_index)
    assert len(driver.engine.orders) == 2
    return driver


def test_one_frame_with_ask_200000_sends_no_order_and_pauses_until_the_book_is_confirmed() -> None:
    driver = quoting_at_100000()
    commands = book(driver, 100_000.0, 200_000.0)
    assert priced_orders(commands) == []
    assert order_commands(commands) == [CancelAll(SYMBOL)]
    assert driver.engine.mode is Mode.PAUSE
    assert driver.engine.last_decision is not None
    assert ModeReason.PRICE_UNCONFIRMED in driver.engine.last_decision.reasons


def test_after_the_outlier_the_engine_quotes_the_real_book_again_and_never_through_the_real_ask() -> None:
    driver = quoting_at_100000()
    sent = priced_orders(book(driver, 100_000.0, 200_000.0))
    for _ in range(50):
        commands = book(driver, 100_000.0, 100_001.0)
        sent += priced_orders(commands)
    assert driver.engine.mode is not Mode.PAUSE
    assert {side for side, _ in sent} == {Side.BUY, Side.SELL}
    assert all(price < 100_001 for side, price in sent if side is Side.BUY)
    assert all(price > 100_000 for side, price in sent if side is Side.SELL)


@pytest.mark.parametrize(
    ("bid_px", "ask_px", "buy_near", "sell_near"),
    [(100_000.0, 200_000.0, 149_940, 150_060), (50_000.0, 100_001.0, 74_970, 75_030)],
)
def test_a_confirmed_outlier_book_is_quoted_on_but_the_pre_trade_check_refuses_every_order(
    bid_px: float, ask_px: float, buy_near: int, sell_near: int
) -> None:
    driver = quoting_at_100000(with_mark_index=True)
    commands: list[EngineCommand] = []
    for _ in range(40):  # confirmed after 3 further books, then DEFENSIVE: the quoter wants orders there
        commands += book(driver, bid_px, ask_px, with_mark_index=True)
    assert priced_orders(commands) == []
    refused = {(r.refusal.side, round(float(r.refusal.price), -1)) for r in refusals(commands)}
    assert (Side.BUY, buy_near) in refused
    assert (Side.SELL, sell_near) in refused
    assert {r.refusal.reason for r in refusals(commands)} == {RefusalReason.FAR_FROM_REFERENCE}
    assert all(r.refusal.reference_px == MID for r in refusals(commands))


def test_orders_within_the_band_of_mark_and_index_still_go_out() -> None:
    driver = quoting_at_100000(with_mark_index=True)
    commands: list[EngineCommand] = []
    for _ in range(60):
        commands += book(driver, 100_100.0, 100_101.0, with_mark_index=True)  # 10 bps up: quotes move
    assert refusals(commands) == []
    assert {side for side, _ in priced_orders(commands)} == {Side.BUY, Side.SELL}


def test_a_trade_at_the_new_level_confirms_it_at_once() -> None:
    driver = quoting_at_100000()
    book(driver, 103_000.0, 103_001.0)
    assert driver.engine.mode is Mode.PAUSE
    trade = PublicTrade(
        exchange="extended",
        symbol=SYMBOL,
        trade_id="t-1",
        price=Decimal(103_000),
        size=Decimal("0.1"),
        taker_side=Side.SELL,
        exchange_ts_ms=driver.now_ms,
        received_ts_ms=driver.now_ms,
        seq=1,
    )
    driver.engine.on_market_event(trade, driver.now_ms)
    book(driver, 103_000.0, 103_001.0)
    assert driver.engine.mode is not Mode.PAUSE


@pytest.mark.parametrize("ask_px", [1e308, math.inf, math.nan])
def test_an_absurd_ask_neither_raises_nor_sends_an_order_and_the_pause_tick_after_it_runs(ask_px: float) -> None:
    driver = quoting_at_100000()
    commands = book(driver, 100_000.0, ask_px)
    commands += driver.advance(2_000)
    assert priced_orders(commands) == []
    assert CancelAll(SYMBOL) in order_commands(commands)
    assert order_commands(driver.engine.force_pause("executor_failed", driver.now_ms)) in ([], [CancelAll(SYMBOL)])
