"""The simulated venue's order entry remembers grid prices it has checked, and never a refused one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mm.adapters.sim.order_entry import OrderEntry
from mm.domain import memo
from mm.domain.side import Side
from mm.ports.errors import InvalidRequest
from tests.unit.adapters.sim.venue import INSTRUMENT, request


def test_a_price_seen_before_converts_to_the_same_ticks_and_steps() -> None:
    entry = OrderEntry(INSTRUMENT)
    first = entry.new_order(request("a", Side.BUY, "100.3", "0.25"), exchange_order_id="x1", ts_ms=1)
    again = entry.new_order(request("b", Side.SELL, "100.3", "0.25"), exchange_order_id="x2", ts_ms=2)
    assert (first.price_ticks, first.size_steps) == (again.price_ticks, again.size_steps) == (1003, 250)


def test_an_off_grid_price_is_refused_every_time() -> None:
    entry = OrderEntry(INSTRUMENT)
    entry.new_order(request("a", Side.BUY, "100.3"), exchange_order_id="x1", ts_ms=1)
    for attempt in ("b", "c"):
        with pytest.raises(InvalidRequest, match="not a multiple of the tick"):
            entry.new_order(request(attempt, Side.BUY, "100.35"), exchange_order_id="x", ts_ms=2)
    with pytest.raises(InvalidRequest, match="below the minimum"):
        entry.new_order(request("d", Side.BUY, "100.3", "0.005"), exchange_order_id="x", ts_ms=3)


def test_a_full_memo_starts_over_and_keeps_converting_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "MEMO_LIMIT", 3)
    entry = OrderEntry(INSTRUMENT)
    for ticks in range(1000, 1010):
        price = str(Decimal(ticks) * INSTRUMENT.tick_size)
        assert (
            entry.new_order(request(f"o{ticks}", Side.BUY, price), exchange_order_id="x", ts_ms=1).price_ticks == ticks
        )
    assert entry.new_order(request("again", Side.BUY, "100.0"), exchange_order_id="x", ts_ms=1).price_ticks == 1000
