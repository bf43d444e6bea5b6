"""Rows in Postgres's text COPY format, without `source_id`: the spool's form of a batch.

Text COPY is documented, stable and readable with `less`, and a spooled batch may be replayed
by a later version of `mm`. Lines leave out `source_id` (the spool is written while the database,
which assigns it, may be down); `with_source_id` puts it in front of every line at replay.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from mm.adapters.postgres.ingest.market_data_rows import POSTGRES_EPOCH_MS, TABLE_COLUMNS, ColumnKind, Row
from mm.adapters.postgres.ingest.numeric_binary import decode_numeric

NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_SPECIAL = ("\\", "\t", "\n", "\r")


def escape(text: str) -> str:
    """A value as text COPY wants it: backslash, tab, newline and carriage return escaped."""
    if any(char in text for char in _SPECIAL):
        return text.translate(_ESCAPES)
    return text


def ts_text(ts_us_value: int) -> str:
    """A binary-form timestamp (microseconds since 2000) as `timestamptz` text input."""
    ms = ts_us_value // 1000 + POSTGRES_EPOCH_MS
    seconds, millis = divmod(ms, 1000)
    stamp = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S")
    return f"{stamp}.{millis:03d}+00"


_TEXT_FORMS: dict[ColumnKind, Callable[[Any], str]] = {
    ColumnKind.TEXT: escape,
    ColumnKind.TS: ts_text,
    ColumnKind.INT: str,
    ColumnKind.NUMERIC: lambda value: str(decode_numeric(value)),
    ColumnKind.BOOL: lambda value: "t" if value else "f",
    ColumnKind.RAW: escape,
    ColumnKind.ORDINAL: str,
}


def _field(value: object, kind: ColumnKind) -> str:
    return NULL if value is None else _TEXT_FORMS[kind](value)


def text_lines(table: str, rows: Iterable[Row]) -> bytes:
    """Text COPY lines of `rows` (tuples of `market_data_rows`), without `source_id`."""
    kinds = [kind for _, kind in TABLE_COLUMNS[table]]
    lines = ["\t".join([_field(value, kind) for value, kind in zip(row, kinds, strict=True)]) for row in rows]
    return ("\n".join(lines) + "\n").encode() if lines else b""


def with_source_id(lines: bytes, source_id: int) -> bytes:
    """Put `source_id` in front of every line (no escaped newline can occur inside a line)."""
    if not lines:
        return lines
    prefix = f"{source_id}\t".encode()
    return prefix + lines[:-1].replace(b"\n", b"\n" + prefix) + b"\n"
