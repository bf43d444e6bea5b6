"""What every `TradingHistory` must do: markets, activity span, decisions and positions by window."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from mm.domain.fill_summary import FillRecord
from mm.domain.mode import Mode
from mm.domain.mode_timeline import DecisionSample
from mm.domain.position_timeline import PositionSample
from mm.domain.side import Side
from tests.summarizer_support.seeding import SummarizerBackend

T0 = 1_699_999_980_000
SYMBOL = "BTC-USD"


def a_fill(exchange: str, fill_id: str, symbol: str, ts_ms: int) -> FillRecord:
    return FillRecord(exchange, fill_id, symbol, ts_ms, Side.BUY, Decimal(100), Decimal(1), Decimal(0))


class TradingHistoryContract:
    """Subclasses provide a `backend` fixture (`SummarizerBackend`)."""

    @pytest.fixture
    def exchange(self) -> str:
        return f"x{uuid.uuid4().hex[:10]}"

    async def test_symbols_are_the_markets_with_fills_or_decisions_sorted(
        self, backend: SummarizerBackend, exchange: str
    ) -> None:
        await backend.seed.add_fill(a_fill(exchange, "1", "SOL-USD", T0))
        await backend.seed.add_decision(exchange, "BTC-USD", T0, Mode.NORMAL)
        await backend.seed.add_fill(a_fill(exchange, "2", "BTC-USD", T0))
        await backend.seed.add_fill(a_fill(exchange + "y", "3", "ETH-USD", T0))
        assert await backend.history.symbols(exchange) == ["BTC-USD", "SOL-USD"]

    async def test_the_activity_span_covers_fills_decisions_and_positions(
        self, backend: SummarizerBackend, exchange: str
    ) -> None:
        await backend.seed.add_decision(exchange, SYMBOL, T0 + 5, Mode.NORMAL)
        await backend.seed.add_fill(a_fill(exchange, "1", SYMBOL, T0 + 10))
        await backend.seed.add_position(exchange, SYMBOL, T0 + 20, Decimal(1))
        assert await backend.history.activity_span_ms(exchange, SYMBOL) == (T0 + 5, T0 + 20)

    async def test_a_market_without_activity_has_no_span(self, backend: SummarizerBackend, exchange: str) -> None:
        assert await backend.history.activity_span_ms(exchange, SYMBOL) is None

    async def test_decisions_between_include_the_last_one_before_the_window(
        self, backend: SummarizerBackend, exchange: str
    ) -> None:
        await backend.seed.add_decision(exchange, SYMBOL, T0, Mode.NORMAL, bid_px=Decimal(99), ask_px=Decimal(101))
        await backend.seed.add_decision(exchange, SYMBOL, T0 + 10, Mode.DEFENSIVE, bid_px=Decimal(99))
        await backend.seed.add_decision(exchange, SYMBOL, T0 + 20, Mode.PAUSE)
        await backend.seed.add_decision(exchange, SYMBOL, T0 + 30, Mode.NORMAL)
        found = await backend.history.decisions_between(exchange, SYMBOL, T0 + 15, T0 + 30)
        assert found == [DecisionSample(T0 + 10, Mode.DEFENSIVE, False), DecisionSample(T0 + 20, Mode.PAUSE, False)]

    async def test_a_decision_quoting_both_sides_is_marked_so(self, backend: SummarizerBackend, exchange: str) -> None:
        await backend.seed.add_decision(exchange, SYMBOL, T0, Mode.NORMAL, bid_px=Decimal(99), ask_px=Decimal(101))
        found = await backend.history.decisions_between(exchange, SYMBOL, T0, T0 + 1)
        assert found == [DecisionSample(T0, Mode.NORMAL, True)]

    async def test_positions_between_include_the_last_one_before_the_window(
        self, backend: SummarizerBackend, exchange: str
    ) -> None:
        for at_ms, size in [(0, "1"), (10, "2"), (20, "-1"), (30, "0")]:
            await backend.seed.add_position(exchange, SYMBOL, T0 + at_ms, Decimal(size))
        found = await backend.history.positions_between(exchange, SYMBOL, T0 + 15, T0 + 30)
        assert found == [PositionSample(T0 + 10, Decimal(2)), PositionSample(T0 + 20, Decimal(-1))]
