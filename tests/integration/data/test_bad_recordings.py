"""Broken recordings against `mm data import` and `mm backtest --data`: one plain line naming file and line, no traceback, nothing stored.

Each file is the shipped slice's first 2,000 rows with one fault: a gzip cut in half, a byte that
is not UTF-8, a number or time far out of range, a wrong header. The import runs each file in one
transaction (exit 1 for a fault met in its rows, 2 for a header refused before any database
starts); the backtest refuses the data as a bad option (exit 2) before storing any run.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from tests.integration.apps.app_process import Finished, app_env, run_mm

pytestmark = pytest.mark.integration

SLICE = Path(__file__).resolve().parents[3] / "src" / "mm" / "data" / "binance_usdm_btcusdt_20240808_3min.bbo.csv.gz"


def good_lines() -> list[bytes]:
    with gzip.open(SLICE, "rb") as handle:
        return handle.read().splitlines()[:2001]  # the header and 2,000 rows


def with_field(line_no: int, column: int, value: bytes) -> Callable[[list[bytes]], list[bytes]]:
    def change(lines: list[bytes]) -> list[bytes]:
        fields = lines[line_no - 1].split(b",")
        fields[column] = value
        lines[line_no - 1] = b",".join(fields)
        return lines

    return change


def with_bad_byte(lines: list[bytes]) -> list[bytes]:
    lines[499] = lines[499].replace(b".", b"\xff", 1)
    return lines


def with_header(lines: list[bytes]) -> list[bytes]:
    lines[0] = b"time,bid,bid_size,ask,ask_size"
    return lines


def write_case(folder: Path, case: str) -> tuple[Path, int, str]:
    """The broken file (named `<case>.bbo.csv[.gz]`), the line that is named, and what the message says."""
    lines = good_lines()
    if case == "truncated_gzip":
        path = folder / f"{case}.bbo.csv.gz"
        packed = gzip.compress(b"\n".join(lines) + b"\n")
        path.write_bytes(packed[: len(packed) // 2])
        return path, 0, "cut short"  # the line is wherever the cut fell
    changes: dict[str, tuple[Callable[[list[bytes]], list[bytes]], int, str]] = {
        "not_utf8": (with_bad_byte, 500, "not UTF-8"),
        "huge_number": (with_field(300, 1, b"1e999999"), 300, "out of range"),
        "long_number": (with_field(300, 2, b"1" * 100_000), 300, "100000 characters"),
        "huge_ts": (with_field(400, 0, b"1" + b"0" * 30), 400, "ts_ms"),
        "ts_1e18": (with_field(400, 0, b"1" + b"0" * 18), 400, "ts_ms"),
        "wrong_header": (with_header, 1, "header"),
    }
    change, line_no, says = changes[case]
    path = folder / f"{case}.bbo.csv"
    path.write_bytes(b"\n".join(change(lines)) + b"\n")
    return path, line_no, says


CASES = ["truncated_gzip", "not_utf8", "huge_number", "long_number", "huge_ts", "ts_1e18", "wrong_header"]


def assert_one_plain_line(result: Finished, path: Path, line_no: int | None, says: str) -> None:
    """One line naming the file, what is wrong and the line (`line_no` 0: some line; None: none asked)."""
    assert "Traceback" not in result.output, result.output
    (line,) = result.plain_lines
    assert path.name in line, line
    assert says in line, line
    if line_no:
        assert f"line {line_no}:" in line, line
    elif line_no == 0:
        assert "line " in line, line


def counts(url: str) -> tuple[int, int, int]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM md_bbo), (SELECT count(*) FROM md_source), (SELECT count(*) FROM backtest_run)"
        ).fetchone()
    assert row is not None
    return row[0], row[1], row[2]


@pytest.mark.parametrize("case", CASES)
def test_mm_data_import_names_the_file_and_line_and_stores_nothing(
    case: str, clean_database_url: str, tmp_path: Path
) -> None:
    path, line_no, says = write_case(tmp_path, case)
    env = app_env(tmp_path, DATABASE_URL=clean_database_url)
    result = run_mm(["data", "import", "--exchange", "binance", "--symbol", "BTCUSDT", str(path)], env, tmp_path)
    assert result.returncode == (2 if case == "wrong_header" else 1), result.output
    assert_one_plain_line(result, path, line_no, says)
    assert counts(clean_database_url) == (0, 0, 0)


@pytest.mark.parametrize("case", CASES)
def test_mm_backtest_data_names_the_file_and_line_with_exit_2_and_stores_no_run(
    case: str, clean_database_url: str, tmp_path: Path
) -> None:
    path, line_no, says = write_case(tmp_path, case)
    prefix = path.parent / path.name.split(".")[0]
    env = app_env(tmp_path, DATABASE_URL=clean_database_url)
    args = ["backtest", "--data", str(prefix), "--exchange", "binance", "--symbol", "BTCUSDT", "--no-report"]
    result = run_mm(args, env, tmp_path)
    assert result.returncode == 2, result.output
    if case == "wrong_header":  # refused by its columns, before any row is read
        assert_one_plain_line(result, path, None, "lacks the columns")
    else:
        assert_one_plain_line(result, path, line_no, says)
    assert counts(clean_database_url) == (0, 0, 0)


def test_mm_data_import_ends_with_a_summary_of_rows_per_table_and_their_span_in_utc(
    clean_database_url: str, tmp_path: Path
) -> None:
    trades = SLICE.with_name(SLICE.name.replace(".bbo.", ".trades."))
    env = app_env(tmp_path, DATABASE_URL=clean_database_url)
    args = ["data", "import", "--exchange", "binance", "--symbol", "BTCUSDT", str(SLICE), str(trades)]
    first, again = run_mm(args, env, tmp_path), run_mm(args, env, tmp_path)
    assert (first.returncode, again.returncode) == (0, 0), first.output + again.output
    with psycopg.connect(clean_database_url) as conn:
        span = conn.execute(
            "SELECT to_char(min(ts) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
            "to_char(max(ts) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') "
            "FROM (SELECT ts FROM md_bbo UNION ALL SELECT ts FROM md_trade) t"
        ).fetchone()
        bbo, trade = conn.execute("SELECT (SELECT count(*) FROM md_bbo), (SELECT count(*) FROM md_trade)").fetchone()  # type: ignore[misc]
    assert span is not None
    assert first.stdout.strip().splitlines()[-1] == (
        f"imported 2 of 2 files: md_bbo {bbo:,} rows, md_trade {trade:,} rows, {span[0]} .. {span[1]}"
    )
    assert (
        again.stdout.strip().splitlines()[-1] == "imported 0 of 2 files: no rows (2 imported before, left as they were)"
    )
