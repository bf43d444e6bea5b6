"""Recorded market data in the shared CSV format (plain or gzipped).

`<name>.bbo.csv[.gz]`: `ts_ms,bid_px,bid_sz,ask_px,ask_sz`; `<name>.trades.csv[.gz]`: `ts_ms,px,sz,side`
(side is the taker's, `buy` or `sell`). Rows are validated as they are read; the first bad row raises
`MalformedRecording` with its line number.
"""

from __future__ import annotations

import gzip
import hashlib
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


def _open_text(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return path.open("r", encoding="utf-8", newline="")


def _positive_decimal(text: str, name: str, path: Path, line_no: int) -> str:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise MalformedRecording(path, line_no, f"{name} is not a number: {text!r}") from None
    if not value.is_finite() or value < 0:
        raise MalformedRecording(path, line_no, f"{name} must be a finite non-negative number: {text!r}")
    return text


def _timestamp(text: str, path: Path, line_no: int) -> int:
    try:
        ts_ms = int(text)
    except ValueError:
        raise MalformedRecording(path, line_no, f"ts_ms is not an integer: {text!r}") from None
    if ts_ms <= 0:
        raise MalformedRecording(path, line_no, f"ts_ms must be positive: {text!r}")
    return ts_ms


def read_recording(path: Path) -> Iterator[tuple[int, int, list[str]]]:
    """Yield `(line_no, ts_ms, fields)` per data row, fields validated and kept as exact text."""
    kind = recording_kind(path)
    expected = HEADERS[kind]
    with _open_text(path) as handle:
        header = handle.readline().strip().split(",")
        if header != expected:
            raise MalformedRecording(path, 1, f"header must be {','.join(expected)}, got {','.join(header)}")
        for line_no, line in enumerate(handle, start=2):
            fields = line.rstrip("\r\n").split(",")
            if fields == [""]:
                continue
            if len(fields) != len(expected):
                raise MalformedRecording(path, line_no, f"expected {len(expected)} fields, got {len(fields)}")
            ts_ms = _timestamp(fields[0], path, line_no)
            for name, text in zip(expected[1:], fields[1:], strict=False):
                if name != "side":
                    _positive_decimal(text, name, path, line_no)
            if kind is RecordingKind.TRADES and fields[3] not in ("buy", "sell"):
                raise MalformedRecording(path, line_no, f"side must be buy or sell, got {fields[3]!r}")
            yield line_no, ts_ms, fields
