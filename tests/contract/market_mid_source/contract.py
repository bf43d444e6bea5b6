"""What every `MarketMidSource` must do: as-of mids of two-sided rows, within the staleness limit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.summarizer_support.seeding import SummarizerBackend
from tests.unique_keys import an_id

T0 = 1_699_999_980_000
SYMBOL = "BTC-USD"


def d(text: str) -> Decimal:
    return Decimal(text)


class MarketMidSourceContract:
    """Subclasses provide a `backend` fixture (`SummarizerBackend`)."""

    @pytest.fixture
    def exchange(self) -> str:
        return an_id("x")

    @pytest.fixture
    async def book(self, backend: SummarizerBackend, exchange: str) -> SummarizerBackend:
        for at_ms, bid, ask in [(0, "99", "101"), (1_000, "100", "102"), (2_000, None, "103"), (3_000, "101", None)]:
            await backend.seed.add_bbo(exchange, SYMBOL, T0 + at_ms, d(bid) if bid else None, d(ask) if ask else None)
        return backend

    async def test_the_mid_at_a_row_time_is_that_rows_mid(self, book: SummarizerBackend, exchange: str) -> None:
        assert await book.mids.mids_at(exchange, SYMBOL, [T0 + 1_000], 500) == [d("101")]

    async def test_between_rows_the_earlier_row_is_in_effect(self, book: SummarizerBackend, exchange: str) -> None:
        assert await book.mids.mids_at(exchange, SYMBOL, [T0 + 400], 500) == [d("100")]

    async def test_one_sided_rows_give_no_mid(self, book: SummarizerBackend, exchange: str) -> None:
        assert await book.mids.mids_at(exchange, SYMBOL, [T0 + 3_500], 5_000) == [d("101")]

    async def test_a_mid_older_than_the_staleness_limit_is_none(self, book: SummarizerBackend, exchange: str) -> None:
        assert await book.mids.mids_at(exchange, SYMBOL, [T0 + 1_501], 500) == [None]

    async def test_a_mid_exactly_at_the_staleness_limit_counts(self, book: SummarizerBackend, exchange: str) -> None:
        assert await book.mids.mids_at(exchange, SYMBOL, [T0 + 1_500], 500) == [d("101")]

    async def test_before_the_first_row_there_is_no_mid(self, book: SummarizerBackend, exchange: str) -> None:
        assert await book.mids.mids_at(exchange, SYMBOL, [T0 - 1], 5_000) == [None]

    async def test_answers_come_in_the_order_asked(self, book: SummarizerBackend, exchange: str) -> None:
        mids = await book.mids.mids_at(exchange, SYMBOL, [T0 + 1_000, T0, T0 - 1, T0 + 1_000], 500)
        assert mids == [d("101"), d("100"), None, d("101")]

    async def test_asking_for_no_times_returns_nothing(self, book: SummarizerBackend, exchange: str) -> None:
        assert await book.mids.mids_at(exchange, SYMBOL, [], 500) == []

    async def test_markets_are_independent(self, book: SummarizerBackend, exchange: str) -> None:
        assert await book.mids.mids_at(exchange, "ETH-USD", [T0 + 1_000], 500) == [None]

    async def test_of_rows_with_equal_times_the_last_recorded_is_in_effect(
        self, backend: SummarizerBackend, exchange: str
    ) -> None:
        await backend.seed.add_bbo(exchange, SYMBOL, T0, d("99"), d("101"))
        await backend.seed.add_bbo(exchange, SYMBOL, T0, d("100"), d("102"))
        assert await backend.mids.mids_at(exchange, SYMBOL, [T0], 0) == [d("101")]
