"""The byte form of one spooled batch: a framed record with a checksum, rows as text COPY.

record  = b"MMS1" | payload length (u32) | crc32 of payload (u32) | payload
payload = header length (u32) | header (JSON) | text COPY sections, in the header's order

A crash can leave a torn record at the end of a file; the length and checksum find it. The header's
`layout` says which columns the lines hold: records of layout 1 (before `msg_no`) are read with a
NULL `msg_no`, so a spool written by an older `mm` still replays.
"""

from __future__ import annotations

import json
import struct
import zlib
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from mm.adapters.postgres.ingest.batch import GapEvent, IngestBatch, RecordingSource
from mm.adapters.postgres.ingest.copy_text import text_lines
from mm.domain.market_events import BestBidOffer, FeedGap, FeedIssueKind, FeedRecovered, PriceKind, PriceUpdate

MAGIC = b"MMS1"
LAYOUT = 2  # the columns of `market_data_rows.TABLE_COLUMNS`; 1 lacked the trailing `msg_no`
RECORD_HEADER = struct.Struct(">4sII")
_U32 = struct.Struct(">I")


class CorruptRecord(ValueError):
    """Bytes that are not a whole, intact spool record."""


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _gap_json(event: GapEvent) -> dict[str, Any]:
    return {"type": "gap" if isinstance(event, FeedGap) else "recovered", **asdict(event)}


def _gap_event(data: dict[str, Any]) -> GapEvent:
    fields = {key: value for key, value in data.items() if key != "type"}
    if data["type"] == "gap":
        return FeedGap(**{**fields, "kind": FeedIssueKind(fields["kind"])})
    return FeedRecovered(**fields)


def _top_json(top: BestBidOffer) -> list[Any]:
    prices = (top.bid_px, top.bid_sz, top.ask_px, top.ask_sz)
    return [top.exchange, top.symbol, top.exchange_ts_ms, top.received_ts_ms, top.seq, *map(_decimal_text, prices)]


def _top(data: list[Any]) -> BestBidOffer:
    exchange, symbol, ts_ms, recv_ms, seq, bid_px, bid_sz, ask_px, ask_sz = data
    return BestBidOffer(
        exchange, symbol, ts_ms, recv_ms, seq, _decimal(bid_px), _decimal(bid_sz), _decimal(ask_px), _decimal(ask_sz)
    )


def _price_json(price: PriceUpdate) -> list[Any]:
    return [
        price.exchange,
        price.symbol,
        price.exchange_ts_ms,
        price.received_ts_ms,
        price.seq,
        price.kind.value,
        str(price.price),
    ]


def _price(data: list[Any]) -> PriceUpdate:
    exchange, symbol, ts_ms, recv_ms, seq, kind, price = data
    return PriceUpdate(exchange, symbol, ts_ms, recv_ms, seq, PriceKind(kind), Decimal(price))


def encode_record(batch: IngestBatch) -> bytes:
    """One framed record holding `batch`, its rows converted to text COPY if still binary tuples."""
    sections = dict(batch.text_rows)
    for table, rows in batch.binary_rows.items():
        sections[table] = text_lines(table, rows)
    source = batch.source
    header = {
        "batch_id": batch.batch_id,
        "layout": LAYOUT,
        "source": [source.exchange, source.name, source.detail, source.kind],
        "row_counts": batch.row_counts,
        "days": sorted(batch.days),
        "sections": [[table, len(data)] for table, data in sections.items()],
        "gaps": [_gap_json(event) for event in batch.gap_events],
        "tops": [_top_json(top) for top in batch.latest_tops],
        "prices": [_price_json(price) for price in batch.latest_prices],
    }
    header_bytes = json.dumps(header, separators=(",", ":")).encode()
    payload = b"".join([_U32.pack(len(header_bytes)), header_bytes, *sections.values()])
    return RECORD_HEADER.pack(MAGIC, len(payload), zlib.crc32(payload)) + payload


def decode_payload(payload: bytes) -> IngestBatch:
    """The batch of a record's payload (checksum already verified)."""
    (header_length,) = _U32.unpack_from(payload)
    header = json.loads(payload[_U32.size : _U32.size + header_length])
    offset = _U32.size + header_length
    text_rows: dict[str, bytes] = {}
    is_layout_1 = header.get("layout", 1) == 1
    for table, length in header["sections"]:
        lines = payload[offset : offset + length]
        text_rows[table] = _with_null_msg_no(lines) if is_layout_1 else lines
        offset += length
    exchange, name, detail, kind = header["source"]
    return IngestBatch(
        batch_id=header["batch_id"],
        source=RecordingSource(exchange=exchange, name=name, detail=detail, kind=kind),
        row_counts=header["row_counts"],
        days=frozenset(header["days"]),
        text_rows=text_rows,
        gap_events=[_gap_event(event) for event in header["gaps"]],
        latest_tops=[_top(top) for top in header["tops"]],
        latest_prices=[_price(price) for price in header["prices"]],
    )


def _with_null_msg_no(lines: bytes) -> bytes:
    """Layout-1 text COPY lines with a NULL `msg_no` field appended (no escaped newline occurs inside a line)."""
    if not lines:
        return lines
    return lines[:-1].replace(b"\n", b"\t\\N\n") + b"\t\\N\n"


def split_record(header: bytes) -> int:
    """The payload length announced by a record header; raises `CorruptRecord` if it is not one."""
    if len(header) < RECORD_HEADER.size:
        raise CorruptRecord("truncated record header")
    magic, length, _crc = RECORD_HEADER.unpack(header)
    if magic != MAGIC:
        raise CorruptRecord("bad magic")
    return int(length)


def verified_payload(header: bytes, payload: bytes) -> bytes:
    """`payload` if it is whole and matches the header's checksum, else `CorruptRecord`."""
    _magic, length, crc = RECORD_HEADER.unpack(header)
    if len(payload) != length or zlib.crc32(payload) != crc:
        raise CorruptRecord("truncated or damaged record")
    return payload
