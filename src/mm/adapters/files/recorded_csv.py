"""Recorded market data in the shared CSV format (plain or gzipped).

`<name>.bbo.csv[.gz]`: `ts_ms,bid_px,bid_sz,ask_px,ask_sz`; `<name>.trades.csv[.gz]`: `ts_ms,px,sz,side`
(side is the taker's, `buy` or `sell`). Rows are validated as they are read; the first bad row (or a
bad byte, or a damaged or truncated gzip) raises `MalformedRecording` with its file and line number.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import IO

from mm.ports.errors import MmError


class RecordingKind(StrEnum):
    BBO = "bbo"
    TRADES = "trades"


HEADERS = {
    RecordingKind.BBO: ["ts_ms", "bid_px", "bid_sz", "ask_px", "ask_sz"],
    RecordingKind.TRADES: ["ts_ms", "px", "sz", "side"],
}


# Longer than any price or size a venue prints, far shorter than a number that costs real work.
MAX_NUMBER_CHARS = 40
# Prices and sizes of any market lie well within; `1e999999` or `1e-999999` do not.
MAX_VALUE = Decimal("1e15")
MIN_NONZERO_VALUE = Decimal("1e-18")
# The end of year 9999 in epoch milliseconds: the last day a date (and a day partition) can name.
MAX_TS_MS = 253_402_300_799_999
_MAX_TS_CHARS = 20


class MalformedRecording(MmError):
    """A recorded file has a bad header or row; nothing of it is stored."""

    def __init__(self, path: Path, line_no: int, reason: str) -> None:
        super().__init__(f"{path}: line {line_no}: {reason}")
        self.path = path
        self.line_no = line_no


def recording_kind(path: Path) -> RecordingKind:
    name = path.name.removesuffix(".gz")
    for kind in RecordingKind:
        if name.endswith(f".{kind.value}.csv"):
            return kind
    raise MalformedRecording(path, 0, "file name must end in .bbo.csv or .trades.csv (optionally .gz)")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _open_binary(path: Path) -> IO[bytes] | gzip.GzipFile:
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    return path.open("rb")


def _text(raw: bytes, path: Path, line_no: int) -> str:
    """One line as text; each line is decoded on its own, so a bad byte is named with its own line."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedRecording(
            path, line_no, f"not UTF-8 text: byte {raw[error.start]:#04x} at column {error.start + 1}"
        ) from None


def _number(text: str, name: str, path: Path, line_no: int) -> str:
    """An exact, finite, non-negative number of sane size, as its text (numeric keeps the scale)."""
    if len(text) > MAX_NUMBER_CHARS:
        raise MalformedRecording(path, line_no, f"{name} has {len(text)} characters: no price or size is that long")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise MalformedRecording(path, line_no, f"{name} is not a number: {text!r}") from None
    if not value.is_finite() or value < 0:
        raise MalformedRecording(path, line_no, f"{name} must be a finite non-negative number: {text!r}")
    if value >= MAX_VALUE or (value and value < MIN_NONZERO_VALUE):
        raise MalformedRecording(
            path, line_no, f"{name} {text} is out of range: not 0 and not within [{MIN_NONZERO_VALUE}, {MAX_VALUE})"
        )
    return text


def _timestamp(text: str, path: Path, line_no: int) -> int:
    if not 0 < len(text) <= _MAX_TS_CHARS:
        raise MalformedRecording(path, line_no, f"ts_ms is not an epoch millisecond: {text[:40]!r}")
    try:
        ts_ms = int(text)
    except ValueError:
        raise MalformedRecording(path, line_no, f"ts_ms is not an integer: {text!r}") from None
    if not 0 < ts_ms <= MAX_TS_MS:
        raise MalformedRecording(path, line_no, f"ts_ms {text} is outside 1970-01-01..9999-12-31 in milliseconds")
    return ts_ms


def read_recording(path: Path, *, as_replayed: bool = False) -> Iterator[tuple[int, int, list[str]]]:
    """Yield `(line_no, ts_ms, fields)` per data row, fields validated and kept as exact text.

    Any fault, whether in a row, the text encoding or the compression (a truncated gzip), raises
    `MalformedRecording` naming the file and line. `as_replayed` takes a file as the replay's reader
    does: empty book fields (an empty side) and extra columns after the required ones.
    """
    kind = recording_kind(path)
    expected = HEADERS[kind]
    line_no = 0  # the last line read whole
    try:
        with _open_binary(path) as handle:
            header = _text(handle.readline(), path, 1).strip().split(",")
            line_no = 1
            if header != expected and not (as_replayed and header[: len(expected)] == expected):
                raise MalformedRecording(path, 1, f"header must be {','.join(expected)}, got {','.join(header)[:200]}")
            for line_no, raw in enumerate(handle, start=2):
                fields = _text(raw, path, line_no).rstrip("\r\n").split(",")
                if fields == [""]:
                    continue
                yield line_no, _checked_row(kind, fields, path, line_no, as_replayed=as_replayed), fields
    except (EOFError, OSError, zlib.error) as error:  # gzip.BadGzipFile is an OSError
        raise MalformedRecording(path, line_no + 1, f"the file is damaged or cut short: {error}") from None


def _checked_row(kind: RecordingKind, fields: list[str], path: Path, line_no: int, *, as_replayed: bool) -> int:
    """The row's time, once every field of it is valid."""
    expected = HEADERS[kind]
    if len(fields) != len(expected) and not (as_replayed and len(fields) > len(expected)):
        raise MalformedRecording(path, line_no, f"expected {len(expected)} fields, got {len(fields)}")
    ts_ms = _timestamp(fields[0], path, line_no)
    may_be_empty = as_replayed and kind is RecordingKind.BBO
    for name, text in zip(expected[1:], fields[1 : len(expected)], strict=True):
        if name != "side" and not (may_be_empty and text == ""):
            _number(text, name, path, line_no)
    if kind is RecordingKind.TRADES and fields[3] not in ("buy", "sell"):
        raise MalformedRecording(path, line_no, f"side must be buy or sell, got {fields[3][:40]!r}")
    return ts_ms


def header_problem(path: Path) -> MalformedRecording | None:
    """What is wrong with a file's name or header line (read alone: cheap, before any import starts), or None."""
    try:
        expected = HEADERS[recording_kind(path)]
        with _open_binary(path) as handle:
            header = _text(handle.readline(), path, 1).strip().split(",")
    except MalformedRecording as error:
        return error
    except (EOFError, OSError, zlib.error) as error:
        return MalformedRecording(path, 1, f"unreadable: {error}")
    if header != expected:
        return MalformedRecording(path, 1, f"header must be {','.join(expected)}, got {','.join(header)[:200]}")
    return None


def first_problem(path: Path, *, as_replayed: bool = False) -> MalformedRecording | None:
    """The first fault of a file, read row by row, or None: names the line a column reader could not."""
    try:
        for _row in read_recording(path, as_replayed=as_replayed):
            pass
    except MalformedRecording as error:
        return error
    return None
