"""The one encoding of `md_*` rows: numbering, and the msg_no that tells a market's messages in one millisecond apart."""

from __future__ import annotations

from mm.adapters.postgres.ingest.market_data_rows import TABLE_COLUMNS, Row
from mm.adapters.postgres.ingest.market_row_encoder import EncodedRows, MarketRowEncoder
from mm.domain.market_events import PriceKind
from mm.domain.recorded_rows import MarketDataRow
from mm.domain.side import Side
from tests.ingestor_support.market_data_examples import T0_MS, a_bbo, a_gap, a_price, trades_frame


def column(table: str, row: Row, name: str) -> object:
    return row[[column_name for column_name, _ in TABLE_COLUMNS[table]].index(name)]


def encoded(rows: list[MarketDataRow] | list[object], encoder: MarketRowEncoder | None = None) -> EncodedRows:
    into = EncodedRows()
    (encoder or MarketRowEncoder()).encode(rows, into)
    return into


def test_best_bid_offers_of_one_millisecond_are_numbered_from_zero_in_arrival_order() -> None:
    rows = encoded([a_bbo(1, ts_ms=T0_MS), a_bbo(2, "59999", ts_ms=T0_MS), a_bbo(3, ts_ms=T0_MS)])
    assert [column("md_bbo", row, "msg_no") for row in rows.bbo] == [0, 1, 2]


def test_a_new_millisecond_numbers_from_zero_again() -> None:
    rows = encoded([a_bbo(1, ts_ms=T0_MS), a_bbo(2, ts_ms=T0_MS), a_bbo(3, ts_ms=T0_MS + 1)])
    assert [column("md_bbo", row, "msg_no") for row in rows.bbo] == [0, 1, 0]


def test_each_market_and_price_kind_counts_its_own_messages() -> None:
    rows = encoded(
        [
            a_bbo(1, ts_ms=T0_MS),
            a_bbo(1, ts_ms=T0_MS, symbol="ETH-USD"),
            a_price(0, kind=PriceKind.MARK),
            a_price(0, kind=PriceKind.INDEX),
            a_price(0, "60000.7", kind=PriceKind.MARK),
        ]
    )
    assert [column("md_bbo", row, "msg_no") for row in rows.bbo] == [0, 0]
    assert [column("md_price", row, "msg_no") for row in rows.prices] == [0, 0, 1]


def test_prints_are_named_by_their_trade_id_and_take_msg_no_zero() -> None:
    rows = encoded(trades_frame(2, ("60000", "1", Side.BUY), ("60000", "1", Side.BUY)))
    assert [(column("md_trade", row, "trade_id"), column("md_trade", row, "msg_no")) for row in rows.trades] == [
        ("200", 0),
        ("201", 0),
    ]


def test_events_that_are_not_rows_are_skipped() -> None:
    rows = encoded([a_gap(T0_MS), a_bbo(1)])
    assert (rows.row_total, [column("md_bbo", row, "row_no") for row in rows.bbo]) == (1, [1])


def test_a_fork_that_is_dropped_leaves_the_numbering_where_it_was() -> None:
    encoder = MarketRowEncoder()
    encoded([a_bbo(1, ts_ms=T0_MS)], encoder)
    encoded([a_bbo(2, ts_ms=T0_MS)], encoder.fork())
    retried = encoded([a_bbo(2, ts_ms=T0_MS)], encoder)
    assert [(column("md_bbo", row, "row_no"), column("md_bbo", row, "msg_no")) for row in retried.bbo] == [(2, 1)]


def test_a_kept_fork_numbers_on_from_where_it_stopped() -> None:
    fork = MarketRowEncoder().fork()
    encoded([a_bbo(1), a_bbo(2)], fork)
    assert [column("md_bbo", row, "row_no") for row in encoded([a_bbo(3)], fork).bbo] == [3]


def test_a_row_the_tables_cannot_hold_is_set_aside_without_a_number_or_a_msg_no() -> None:
    from dataclasses import replace
    from decimal import Decimal

    rows = encoded(
        [
            a_bbo(1, ts_ms=T0_MS),
            replace(a_bbo(2, ts_ms=T0_MS), bid_px=Decimal("1e200000")),
            replace(a_bbo(3, ts_ms=T0_MS), seq=2**63),
            replace(a_bbo(4), exchange_ts_ms=10**18),
            a_bbo(5, ts_ms=T0_MS),
        ]
    )
    assert [column("md_bbo", row, "seq") for row in rows.bbo] == [1, 5]
    assert [column("md_bbo", row, "row_no") for row in rows.bbo] == [1, 2]
    assert [column("md_bbo", row, "msg_no") for row in rows.bbo] == [0, 1]
    assert [(r.kind.value, r.item.seq) for r in rows.rejected] == [("numeric", 2), ("seq", 2**63), ("time", 4)]  # type: ignore[attr-defined]
    assert rows.days == {T0_MS // 86_400_000}
