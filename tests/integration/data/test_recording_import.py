"""`mm data import`: COPY into md_*, idempotent, all-or-nothing on a malformed row."""

from __future__ import annotations

import gzip
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from mm.adapters.files.recorded_csv import MalformedRecording
from mm.adapters.postgres.ingest.recording_import import import_recording

pytestmark = pytest.mark.integration

BBO = "ts_ms,bid_px,bid_sz,ask_px,ask_sz\n1723161256313,60000.1,1.5,60000.2,0.25\n1723161256313,60000.0,2,60000.2,0.25\n1723248000001,61000,1,61000.5,3\n"
TRADES = "ts_ms,px,sz,side\n1723161256400,60000.2,0.01,buy\n1723161256401,60000.1,0.5,sell\n"


def _write(path: Path, text: str) -> Path:
    if path.suffix == ".gz":
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        path.write_text(text)
    return path


def _rows(url: str, query: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchall()  # type: ignore[arg-type]


def test_a_gzipped_bbo_file_is_stored_exactly_with_millisecond_timestamps(
    clean_database_url: str, tmp_path: Path
) -> None:
    path = _write(tmp_path / "x.bbo.csv.gz", BBO)
    result = import_recording(clean_database_url, path, "binance", "BTCUSDT")
    rows = _rows(
        clean_database_url,
        "SELECT (extract(epoch from ts) * 1000)::bigint, bid_px, bid_sz, ask_px, ask_sz, row_no FROM md_bbo ORDER BY row_no",
    )
    assert result.rows == 3
    assert rows == [
        (1723161256313, Decimal("60000.1"), Decimal("1.5"), Decimal("60000.2"), Decimal("0.25"), 1),
        (1723161256313, Decimal("60000.0"), Decimal("2"), Decimal("60000.2"), Decimal("0.25"), 2),
        (1723248000001, Decimal("61000"), Decimal("1"), Decimal("61000.5"), Decimal("3"), 3),
    ]


def test_rows_spanning_two_days_land_in_two_partitions(clean_database_url: str, tmp_path: Path) -> None:
    import_recording(clean_database_url, _write(tmp_path / "x.bbo.csv", BBO), "binance", "BTCUSDT")
    counts = _rows(clean_database_url, "SELECT tableoid::regclass::text, count(*) FROM md_bbo GROUP BY 1 ORDER BY 1")
    assert counts == [("md_bbo_p20240808", 2), ("md_bbo_p20240810", 1)]


def test_importing_the_same_file_twice_stores_it_once(clean_database_url: str, tmp_path: Path) -> None:
    path = _write(tmp_path / "x.trades.csv", TRADES)
    first = import_recording(clean_database_url, path, "binance", "BTCUSDT")
    second = import_recording(clean_database_url, path, "binance", "BTCUSDT")
    assert (first.skipped, second.skipped) == (False, True)
    assert _rows(clean_database_url, "SELECT count(*) FROM md_trade") == [(2,)]


def test_a_malformed_row_stops_the_import_with_its_line_number_and_stores_nothing(
    clean_database_url: str, tmp_path: Path
) -> None:
    path = _write(tmp_path / "bad.bbo.csv", BBO + "1723248000002,61000,1,oops,3\n")
    with pytest.raises(MalformedRecording, match="line 5"):
        import_recording(clean_database_url, path, "binance", "BTCUSDT")
    assert _rows(clean_database_url, "SELECT count(*) FROM md_bbo") == [(0,)]
    assert _rows(clean_database_url, "SELECT count(*) FROM md_source") == [(0,)]


def test_identical_rows_of_a_file_are_all_stored(clean_database_url: str, tmp_path: Path) -> None:
    twice = "ts_ms,px,sz,side\n1723161256400,60000.2,0.01,buy\n1723161256400,60000.2,0.01,buy\n"
    import_recording(clean_database_url, _write(tmp_path / "x.trades.csv", twice), "binance", "BTCUSDT")
    assert _rows(clean_database_url, "SELECT count(*) FROM md_trade") == [(2,)]


def test_an_imported_print_is_a_live_trade_without_venue_identity(clean_database_url: str, tmp_path: Path) -> None:
    import_recording(clean_database_url, _write(tmp_path / "x.trades.csv", TRADES), "binance", "BTCUSDT")
    rows = _rows(
        clean_database_url,
        "SELECT exchange, symbol, taker_side, kind, is_replay, trade_id, seq, recv_ts, raw, msg_no "
        "FROM md_trade ORDER BY row_no",
    )
    assert rows == [
        ("binance", "BTCUSDT", "buy", "trade", False, None, None, None, None, None),
        ("binance", "BTCUSDT", "sell", "trade", False, None, None, None, None, None),
    ]
