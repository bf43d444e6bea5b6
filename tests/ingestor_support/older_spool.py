"""Spool records as an `mm` before `msg_no` wrote them (layout 1), for the compatibility tests."""

from __future__ import annotations

import json
import struct
import zlib

from mm.adapters.postgres.ingest.batch import IngestBatch
from mm.adapters.postgres.ingest.spool_format import MAGIC, RECORD_HEADER, encode_record

_U32 = struct.Struct(">I")


def layout_1_record(batch: IngestBatch) -> bytes:
    """`batch` framed as a layout-1 record: no `layout` in the header, no `msg_no` at the end of a line."""
    payload = encode_record(batch)[RECORD_HEADER.size :]
    (header_length,) = _U32.unpack_from(payload)
    header = json.loads(payload[_U32.size : _U32.size + header_length])
    del header["layout"]
    offset, sections = _U32.size + header_length, []
    for entry in header["sections"]:
        lines = payload[offset : offset + entry[1]]
        offset += entry[1]
        older = b"".join(line.rsplit(b"\t", 1)[0] + b"\n" for line in lines.splitlines())
        entry[1] = len(older)
        sections.append(older)
    header_bytes = json.dumps(header).encode()
    older_payload = b"".join([_U32.pack(len(header_bytes)), header_bytes, *sections])
    return RECORD_HEADER.pack(MAGIC, len(older_payload), zlib.crc32(older_payload)) + older_payload
