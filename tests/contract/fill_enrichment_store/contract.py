"""What every `FillEnrichmentStore` must do, with markouts computed by hand.

The book of `seed_book` (times are ms after T0; staleness limit 2 s):

    t        bid     ask     mid   spread
    0        99      101     100   2
    500      99.5    100.5   100   1
    1500     100     102     101   2
    11000    103     105     104   2
    60500    97      99      98    2
    61000    -       100     -     -      (one-sided: the recorded data ends here, but gives no mid)

Fills: F1 buys 2 @ 100 at t=1000; F2 sells 1 @ 101 at t=5000; F3 sells 1 @ 102 at t=10500.

The worst-fill tests (the reflector's and the rollback watch's read) store fills of chosen markouts
instead, through `tests.summarizer_support.enriched_fills`: the store enriches them itself.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from mm.domain.fill_enrichment import MarkoutSpec
from mm.domain.fill_summary import EnrichedFill, FillRecord, HorizonMarkout
from mm.domain.mode import Mode
from mm.domain.side import Side
from tests.summarizer_support.enriched_fills import store_enriched
from tests.summarizer_support.seeding import SummarizerBackend
from tests.unique_keys import an_id

T0 = 1_699_999_980_000
SYMBOL = "BTC-USD"
SPEC = MarkoutSpec(max_staleness_ms=2_000)


def d(text: str) -> Decimal:
    return Decimal(text)


def fill(
    exchange: str, fill_id: str, at_ms: int, side: Side, price: str, *, size: str = "1", **kw: object
) -> FillRecord:
    return FillRecord(
        exchange=exchange,
        fill_id=fill_id,
        symbol=str(kw.get("symbol", SYMBOL)),
        ts_ms=T0 + at_ms,
        side=side,
        price=d(price),
        size=d(size),
        fee=d(str(kw.get("fee", "0.01"))),
        mode=Mode.NORMAL,
        params_version=7,
    )


async def seed_book(backend: SummarizerBackend, exchange: str, symbol: str = SYMBOL) -> None:
    for at_ms, bid, ask in [
        (0, "99", "101"),
        (500, "99.5", "100.5"),
        (1_500, "100", "102"),
        (11_000, "103", "105"),
        (60_500, "97", "99"),
        (61_000, None, "100"),
    ]:
        await backend.seed.add_bbo(exchange, symbol, T0 + at_ms, d(bid) if bid else None, d(ask) if ask else None)


async def seed_fills(backend: SummarizerBackend, exchange: str) -> None:
    await backend.seed.add_fill(fill(exchange, "F1", 1_000, Side.BUY, "100", size="2", fee="0.02"))
    await backend.seed.add_fill(fill(exchange, "F2", 5_000, Side.SELL, "101", fee="-0.01"))
    await backend.seed.add_fill(fill(exchange, "F3", 10_500, Side.SELL, "102"))


async def enrich_all(backend: SummarizerBackend, exchange: str) -> dict[str, EnrichedFill]:
    await backend.fills.enrich_pending(exchange, SPEC, limit=100)
    return await stored(backend, exchange)


async def stored(backend: SummarizerBackend, exchange: str) -> dict[str, EnrichedFill]:
    found = await backend.fills.enriched_between(exchange, SYMBOL, T0 - 3_600_000, T0 + 3_600_000)
    return {enriched.fill.fill_id: enriched for enriched in found}


def markout(horizon_s: int, price: str, bps: str) -> HorizonMarkout:
    return HorizonMarkout(horizon_s=horizon_s, price=d(price), bps=d(bps))


def marked(
    exchange: str,
    fill_id: str,
    at_ms: int,
    markout_10s_bps: str | None,
    *,
    side: Side = Side.BUY,
    symbol: str = SYMBOL,
    markout_1s_bps: str | None = None,
    mode: Mode | None = Mode.NORMAL,
    params_version: int | None = 3,
) -> EnrichedFill:
    """A fill of 0.001 @ 10000 at T0 + `at_ms` with the given markouts (at this price, 1 bps is 1 in price)."""
    record = FillRecord(
        exchange=exchange,
        fill_id=fill_id,
        symbol=symbol,
        ts_ms=T0 + at_ms,
        side=side,
        price=d("10000"),
        size=d("0.001"),
        fee=d("0"),
        mode=mode,
        params_version=params_version,
    )
    return EnrichedFill(
        fill=record,
        mid_at_fill=None,
        spread_at_fill=None,
        markout_1s=markout(1, markout_1s_bps, markout_1s_bps) if markout_1s_bps is not None else None,
        markout_10s=markout(10, markout_10s_bps, markout_10s_bps) if markout_10s_bps is not None else None,
        markout_60s=None,
    )


async def worst_ids(backend: SummarizerBackend, exchange: str, start_ms: int, end_ms: int, limit: int) -> list[str]:
    found = await backend.fills.worst_fills(exchange, start_ms, end_ms, limit=limit, symbol=SYMBOL)
    return [enriched.fill.fill_id for enriched in found]


class FillEnrichmentStoreContract:
    """Subclasses provide a `backend` fixture (`SummarizerBackend`)."""

    @pytest.fixture
    def exchange(self) -> str:
        return an_id("x")

    @pytest.fixture
    async def book_and_fills(self, backend: SummarizerBackend, exchange: str) -> SummarizerBackend:
        await seed_book(backend, exchange)
        await seed_fills(backend, exchange)
        return backend

    async def test_a_buy_is_marked_out_against_the_mid_at_each_horizon(
        self, book_and_fills: SummarizerBackend, exchange: str
    ) -> None:
        f1 = (await enrich_all(book_and_fills, exchange))["F1"]
        # t=2000 -> mid 101 (row 1500); t=11000 -> mid 104; t=61000 -> mid 98 (row 60500, the 61000 row is one-sided)
        assert f1.markouts == (markout(1, "1", "100"), markout(10, "4", "400"), markout(60, "-2", "-200"))

    async def test_a_sell_is_marked_out_as_fill_price_minus_the_future_mid(
        self, book_and_fills: SummarizerBackend, exchange: str
    ) -> None:
        f3 = (await enrich_all(book_and_fills, exchange))["F3"]
        # t=11500 -> mid 104: 102 - 104 = -2, -2 / 102 * 10^4 = -196.078431372... bps
        assert f3.markout_1s == markout(1, "-2", "-196.07843137")

    async def test_mid_and_spread_at_fill_come_from_the_latest_book_at_or_before_the_fill(
        self, book_and_fills: SummarizerBackend, exchange: str
    ) -> None:
        f1 = (await enrich_all(book_and_fills, exchange))["F1"]
        assert (f1.mid_at_fill, f1.spread_at_fill) == (d("100"), d("1"))

    async def test_a_markout_is_none_when_the_latest_mid_is_older_than_the_staleness_limit(
        self, book_and_fills: SummarizerBackend, exchange: str
    ) -> None:
        f2 = (await enrich_all(book_and_fills, exchange))["F2"]
        # t=6000: the latest mid is from t=1500, 4.5 s old; t=15000: from t=11000, 4 s old
        assert (f2.markout_1s, f2.markout_10s, f2.mid_at_fill, f2.spread_at_fill) == (None, None, None, None)

    async def test_a_mid_exactly_as_old_as_the_staleness_limit_still_counts(
        self, backend: SummarizerBackend, exchange: str
    ) -> None:
        await seed_book(backend, exchange)
        await backend.seed.add_fill(fill(exchange, "F9", 2_500, Side.BUY, "100"))
        f9 = (await enrich_all(backend, exchange))["F9"]
        # t=3500: the mid of t=1500 (101) is exactly 2 s old
        assert f9.markout_1s == markout(1, "1", "100")

    async def test_a_markout_is_none_when_its_horizon_lies_beyond_the_recorded_data(
        self, book_and_fills: SummarizerBackend, exchange: str
    ) -> None:
        enriched = await enrich_all(book_and_fills, exchange)
        # t=65000 and t=70500 lie after the last row (t=61000)
        assert (enriched["F2"].markout_60s, enriched["F3"].markout_60s) == (None, None)

    async def test_a_fill_is_complete_only_when_every_horizon_has_its_markout(
        self, book_and_fills: SummarizerBackend, exchange: str
    ) -> None:
        enriched = await enrich_all(book_and_fills, exchange)
        assert {fill_id: e.is_complete for fill_id, e in enriched.items()} == {"F1": True, "F2": False, "F3": False}

    async def test_a_rerun_after_more_data_fills_in_the_late_horizons(
        self, book_and_fills: SummarizerBackend, exchange: str
    ) -> None:
        await enrich_all(book_and_fills, exchange)
        await book_and_fills.seed.add_bbo(exchange, SYMBOL, T0 + 65_000, d("98"), d("100"))
        await book_and_fills.seed.add_bbo(exchange, SYMBOL, T0 + 70_000, d("96"), d("98"))
        await book_and_fills.seed.add_bbo(exchange, SYMBOL, T0 + 71_000, d("95"), d("97"))
        enriched = await enrich_all(book_and_fills, exchange)
        # F2: 101 - 99 = 2 (198.0198...); F3: 102 - 97 = 5 (490.1960...)
        assert enriched["F2"].markout_60s == markout(60, "2", "198.01980198")
        assert enriched["F3"].markout_60s == markout(60, "5", "490.19607843")

    async def test_a_rerun_stores_each_fill_once(self, book_and_fills: SummarizerBackend, exchange: str) -> None:
        first = await enrich_all(book_and_fills, exchange)
        second = await enrich_all(book_and_fills, exchange)
        assert second == first
        assert sorted(second) == ["F1", "F2", "F3"]

    async def test_a_rerun_without_new_data_touches_nothing(
        self, book_and_fills: SummarizerBackend, exchange: str
    ) -> None:
        await enrich_all(book_and_fills, exchange)
        again = await book_and_fills.fills.enrich_pending(exchange, SPEC, limit=100)
        assert again.touched == ()

    async def test_a_pass_reports_the_markets_and_times_it_touched(
        self, book_and_fills: SummarizerBackend, exchange: str
    ) -> None:
        result = await book_and_fills.fills.enrich_pending(exchange, SPEC, limit=100)
        assert [(t.symbol, t.first_ts_ms, t.last_ts_ms, t.written, t.completed) for t in result.touched] == [
            (SYMBOL, T0 + 1_000, T0 + 10_500, 3, 1)
        ]

    async def test_complete_fills_are_not_examined_again(
        self, book_and_fills: SummarizerBackend, exchange: str
    ) -> None:
        await enrich_all(book_and_fills, exchange)
        again = await book_and_fills.fills.enrich_pending(exchange, SPEC, limit=100)
        assert (again.examined, again.last_fill_id) == (2, "F3")

    async def test_a_pass_takes_at_most_limit_fills_after_the_cursor_in_fill_id_order(
        self, book_and_fills: SummarizerBackend, exchange: str
    ) -> None:
        first = await book_and_fills.fills.enrich_pending(exchange, SPEC, limit=2)
        second = await book_and_fills.fills.enrich_pending(exchange, SPEC, limit=2, after_fill_id=first.last_fill_id)
        assert [(first.examined, first.last_fill_id), (second.examined, second.last_fill_id)] == [(2, "F2"), (1, "F3")]

    async def test_a_pass_with_nothing_pending_has_no_cursor(self, backend: SummarizerBackend, exchange: str) -> None:
        result = await backend.fills.enrich_pending(exchange, SPEC, limit=10)
        assert (result.examined, result.last_fill_id, result.touched) == (0, None, ())

    async def test_a_symbol_filter_leaves_other_markets_pending(
        self, book_and_fills: SummarizerBackend, exchange: str
    ) -> None:
        await book_and_fills.seed.add_fill(fill(exchange, "E1", 1_000, Side.BUY, "10", symbol="ETH-USD"))
        result = await book_and_fills.fills.enrich_pending(exchange, SPEC, limit=100, symbol="ETH-USD")
        assert (result.examined, [t.symbol for t in result.touched]) == (1, ["ETH-USD"])

    async def test_a_fill_of_a_market_without_data_gets_no_mid_and_no_markout(
        self, backend: SummarizerBackend, exchange: str
    ) -> None:
        await backend.seed.add_fill(fill(exchange, "F1", 1_000, Side.BUY, "100"))
        f1 = (await enrich_all(backend, exchange))["F1"]
        assert (f1.mid_at_fill, f1.markouts, f1.is_complete) == (None, (None, None, None), False)

    async def test_the_enriched_fill_keeps_the_fill_and_its_strategy_context(
        self, book_and_fills: SummarizerBackend, exchange: str
    ) -> None:
        f1 = (await enrich_all(book_and_fills, exchange))["F1"]
        assert f1.fill == fill(exchange, "F1", 1_000, Side.BUY, "100", size="2", fee="0.02")

    async def test_enriched_between_returns_the_window_in_time_order(
        self, book_and_fills: SummarizerBackend, exchange: str
    ) -> None:
        await enrich_all(book_and_fills, exchange)
        found = await book_and_fills.fills.enriched_between(exchange, SYMBOL, T0 + 1_000, T0 + 10_500)
        assert [e.fill.fill_id for e in found] == ["F1", "F2"]

    async def test_worst_fills_rank_by_ten_second_markout_and_skip_unknown_ones(
        self, book_and_fills: SummarizerBackend, exchange: str
    ) -> None:
        await book_and_fills.seed.add_fill(fill(exchange, "F4", 1_200, Side.SELL, "100"))
        await enrich_all(book_and_fills, exchange)
        worst = await book_and_fills.fills.worst_fills(exchange, T0, T0 + 60_000, limit=10)
        # F4 sells at 100, mid at t=11200 is 104: -400 bps; F1 +400 bps; F2 and F3 have no 10 s markout
        assert [e.fill.fill_id for e in worst] == ["F4", "F1"]

    async def test_worst_fills_keep_to_the_window_and_the_limit(
        self, book_and_fills: SummarizerBackend, exchange: str
    ) -> None:
        await book_and_fills.seed.add_fill(fill(exchange, "F4", 1_200, Side.SELL, "100"))
        await enrich_all(book_and_fills, exchange)
        limited = await book_and_fills.fills.worst_fills(exchange, T0, T0 + 60_000, limit=1)
        windowed = await book_and_fills.fills.worst_fills(exchange, T0 + 1_100, T0 + 60_000, limit=10)
        assert ([e.fill.fill_id for e in limited], [e.fill.fill_id for e in windowed]) == (["F4"], ["F4"])

    async def test_worst_fills_come_back_lowest_10s_markout_first_up_to_the_limit(
        self, backend: SummarizerBackend, exchange: str
    ) -> None:
        markouts = ["1", "-7.5", "-2", "0"]
        await store_enriched(backend, [marked(exchange, f"f{i}", i * 1000, m) for i, m in enumerate(markouts)], SPEC)
        assert await worst_ids(backend, exchange, T0, T0 + 3_600_000, limit=2) == ["f1", "f2"]

    async def test_worst_fills_starting_before_the_window_or_at_its_end_are_left_out(
        self, backend: SummarizerBackend, exchange: str
    ) -> None:
        end = 7_200_000
        fills = [
            marked(exchange, "before", -1, "-50"),
            marked(exchange, "in", 0, "-1"),
            marked(exchange, "end", end, "-50"),
        ]
        await store_enriched(backend, fills, SPEC)
        assert await worst_ids(backend, exchange, T0, T0 + end, limit=10) == ["in"]

    async def test_equally_bad_fills_are_ordered_earliest_first(
        self, backend: SummarizerBackend, exchange: str
    ) -> None:
        fills = [marked(exchange, "a-late", 5_000, "-3"), marked(exchange, "z-early", 1_000, "-3")]
        await store_enriched(backend, fills, SPEC)
        assert await worst_ids(backend, exchange, T0, T0 + 3_600_000, limit=10) == ["z-early", "a-late"]

    async def test_a_worst_fill_reads_back_as_the_store_enriched_it(
        self, backend: SummarizerBackend, exchange: str
    ) -> None:
        stored = marked(
            exchange, "f1", 123, "-4.25", side=Side.SELL, markout_1s_bps="-0.1", mode=None, params_version=None
        )
        await store_enriched(backend, [stored], SPEC)
        assert await backend.fills.worst_fills(exchange, T0, T0 + 3_600_000, limit=1, symbol=SYMBOL) == [stored]

    async def test_another_markets_worst_fills_are_not_returned(
        self, backend: SummarizerBackend, exchange: str
    ) -> None:
        await store_enriched(backend, [marked(exchange, "f1", 0, "-1")], SPEC)
        assert await backend.fills.worst_fills(exchange, T0, T0 + 3_600_000, limit=10, symbol="ETH-USD") == []

    async def test_worst_fills_whose_10s_markout_is_not_known_yet_are_left_out(
        self, backend: SummarizerBackend, exchange: str
    ) -> None:
        await store_enriched(backend, [marked(exchange, "known", 0, "5"), marked(exchange, "pending", 1, None)], SPEC)
        assert await worst_ids(backend, exchange, T0, T0 + 3_600_000, limit=10) == ["known"]
