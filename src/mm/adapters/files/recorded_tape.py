"""`RecordedMarketData` on recorded CSV files, and the column parser the Postgres adapter shares.

`<prefix>.bbo.csv[.gz]` (`ts_ms,bid_px,bid_sz,ask_px,ask_sz`) and `<prefix>.trades.csv[.gz]`
(`ts_ms,px,sz,side`) are parsed by pandas' C reader straight into columns: a day of StandX (346k
rows) loads in a fraction of a second, where a row-by-row reader takes seconds. Files must be in
time order, as the shared recordings are; rows of one millisecond keep their order.
"""

from __future__ import annotations

import zlib
from array import array
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from mm.adapters.files.recorded_csv import (
    HEADERS,
    MAX_TS_MS,
    MAX_VALUE,
    MIN_NONZERO_VALUE,
    MalformedRecording,
    RecordingKind,
    first_problem,
)
from mm.domain.market_tape import BookColumns, MarketTape, TradeColumns
from mm.domain.tape_cleaning import slice_tape
from mm.ports.errors import RecordNotFound

_BOOK_DTYPES = {"ts_ms": "int64", "bid_px": "float64", "bid_sz": "float64", "ask_px": "float64", "ask_sz": "float64"}
_TRADE_DTYPES = {"ts_ms": "int64", "px": "float64", "sz": "float64", "side": "str"}
_TAKER_SIDES = frozenset({"buy", "sell"})


def recording_paths(prefix: Path) -> tuple[Path, Path | None]:
    """The book file (required) and the trades file (optional) of a recorded set."""

    def first_existing(kind: RecordingKind) -> Path | None:
        for suffix in (f".{kind.value}.csv.gz", f".{kind.value}.csv"):
            candidate = prefix.with_name(prefix.name + suffix)
            if candidate.is_file():
                return candidate
        return None

    book = first_existing(RecordingKind.BBO)
    if book is None:
        raise RecordNotFound(f"no {prefix}.bbo.csv[.gz]: a replay needs the best bid/offer rows")
    return book, first_existing(RecordingKind.TRADES)


def _read_frame(
    source: Path | IO[str], name: str, dtypes: dict[str, str], required: list[str], may_be_empty: bool
) -> pd.DataFrame:
    """The file's columns, every value within the bounds the row reader (`recorded_csv`) applies.

    The column reader cannot say which line broke it (a cut gzip, a bad byte, an int64 overflow);
    then the file is read again row by row, only to name that line.
    """
    path = source if isinstance(source, Path) else Path(name)
    try:
        frame = pd.read_csv(source, dtype=dtypes, compression="infer" if isinstance(source, Path) else None)
    except _READ_ERRORS as error:  # a bad byte (UnicodeDecodeError) is a ValueError
        raise _located(source, path, f"unreadable rows: {' '.join(str(error).split())}") from None
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise MalformedRecording(path, 1, f"header must start with {','.join(required)}; missing {','.join(missing)}")
    bad = _first_row_out_of_bounds(frame, [c for c in required[1:] if c != "side"], may_be_empty)
    if bad is not None:
        raise _located(source, path, f"row {bad + 1} holds a time or number out of range")
    return frame


_READ_ERRORS = (ValueError, OverflowError, EOFError, OSError, zlib.error, pd.errors.ParserError)


def _first_row_out_of_bounds(frame: pd.DataFrame, numeric: list[str], may_be_empty: bool) -> int | None:
    """The index of the first row whose time or numbers the row reader would refuse, or None."""
    ts_ms = frame["ts_ms"].to_numpy()
    good = (ts_ms > 0) & (ts_ms <= MAX_TS_MS)
    for column in numeric:
        values = frame[column].to_numpy(dtype=np.float64)
        with np.errstate(invalid="ignore"):
            fine = (values >= 0) & (values < float(MAX_VALUE)) & ((values == 0) | (values >= float(MIN_NONZERO_VALUE)))
        good &= fine | np.isnan(values) if may_be_empty else fine
    if bool(good.all()):
        return None
    return int(np.argmin(good))


def _located(source: Path | IO[str], path: Path, fallback: str) -> MalformedRecording:
    """The file's first fault with its line (row by row), else `fallback` without one."""
    if isinstance(source, Path):
        problem = first_problem(source, as_replayed=True)
        if problem is not None:
            return problem
    return MalformedRecording(path, 0, fallback)


def _stably_sorted(frame: pd.DataFrame) -> pd.DataFrame:
    ts_ms = frame["ts_ms"].to_numpy()
    if len(ts_ms) > 1 and bool(np.any(ts_ms[1:] < ts_ms[:-1])):
        return frame.iloc[np.argsort(ts_ms, kind="stable")]
    return frame


def _floats(values: pd.Series) -> array[float]:
    column = array("d")
    column.frombytes(np.ascontiguousarray(values.to_numpy(dtype=np.float64)).tobytes())
    return column


def _ints(values: pd.Series | NDArray[np.int64]) -> array[int]:
    column = array("q")
    column.frombytes(np.ascontiguousarray(np.asarray(values, dtype=np.int64)).tobytes())
    return column


def _flags(values: NDArray[np.bool_] | NDArray[np.int8]) -> array[int]:
    column = array("b")
    column.frombytes(np.ascontiguousarray(np.asarray(values, dtype=np.int8)).tobytes())
    return column


def read_book_columns(source: Path | IO[str], name: str = "bbo") -> BookColumns:
    """Best bid/offer rows; an empty price or size field is an empty side (NaN)."""
    frame = _stably_sorted(_read_frame(source, name, _BOOK_DTYPES, HEADERS[RecordingKind.BBO], may_be_empty=True))
    return BookColumns(
        _ints(frame["ts_ms"]),
        _floats(frame["bid_px"]),
        _floats(frame["bid_sz"]),
        _floats(frame["ask_px"]),
        _floats(frame["ask_sz"]),
    )


def read_trade_columns(source: Path | IO[str], name: str = "trades") -> TradeColumns:
    """Trade rows; optional 0/1 columns `is_liquidation` and `is_history` carry the flags."""
    dtypes = {**_TRADE_DTYPES, "is_liquidation": "int8", "is_history": "int8"}
    frame = _stably_sorted(_read_frame(source, name, dtypes, HEADERS[RecordingKind.TRADES], may_be_empty=False))
    sides = frame["side"]
    unknown = set(sides.unique()) - _TAKER_SIDES
    if unknown:
        raise MalformedRecording(Path(name), 0, f"side must be buy or sell, got {sorted(map(str, unknown))}")
    no_flags = np.zeros(len(frame), dtype=np.int8)
    return TradeColumns(
        _ints(frame["ts_ms"]),
        _floats(frame["px"]),
        _floats(frame["sz"]),
        _flags((sides == "buy").to_numpy()),
        _flags(frame["is_liquidation"].to_numpy() if "is_liquidation" in frame else no_flags),
        _flags(frame["is_history"].to_numpy() if "is_history" in frame else no_flags),
    )


def read_tape(prefix: Path, exchange: str, symbol: str) -> MarketTape:
    """Load a whole recorded set; the prefix is the path without `.bbo.csv[.gz]`."""
    book_path, trades_path = recording_paths(prefix)
    return MarketTape(
        exchange=exchange,
        symbol=symbol,
        book=read_book_columns(book_path),
        trades=read_trade_columns(trades_path) if trades_path is not None else TradeColumns(),
        source=f"file:{prefix}",
    )


class CsvRecordedMarketData:
    """One recorded set on disk, labelled with the market it was recorded from."""

    def __init__(self, prefix: Path, exchange: str, symbol: str) -> None:
        self.prefix = prefix
        self.exchange = exchange
        self.symbol = symbol

    def load(self, start_ms: int | None = None, end_ms: int | None = None) -> MarketTape:
        """The set's rows in the span, read synchronously (notebooks, benchmarks)."""
        tape = read_tape(self.prefix, self.exchange, self.symbol)
        if start_ms is None and end_ms is None:
            return tape
        return slice_tape(tape, start_ms, end_ms)

    async def tape(self, exchange: str, symbol: str, start_ms: int | None, end_ms: int | None) -> MarketTape:
        if (exchange, symbol) != (self.exchange, self.symbol):
            raise RecordNotFound(f"{self.prefix} holds {self.exchange} {self.symbol}, not {exchange} {symbol}")
        tape = self.load(start_ms, end_ms)
        if not len(tape.book):
            raise RecordNotFound(f"{self.prefix} has no book rows in the span")
        return tape
