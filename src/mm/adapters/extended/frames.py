"""The v1 stream envelope `{type, data, error, ts, seq}`, decoded once per frame.

Plain `json.loads` plus explicit checks instead of the SDK's pydantic models: decoding and mapping
a best bid/offer frame this way measured 6.0 µs against 6.4 µs through
`WrappedStreamResponseModel[OrderbookUpdateModel]` (a two-print trades frame 10.0 against 11.0 µs),
and it tolerates what the SDK's models refuse.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from mm.adapters.extended.inbound_bounds import INT64_LIMIT, shown
from mm.ports.errors import MalformedMessage


class StreamFrame(NamedTuple):
    """One decoded frame. `data` is the JSON payload; `raw` the text exactly as received.

    A named tuple rather than a frozen dataclass: it is built for every frame, and is cheaper.

    `error` is set when the venue put an error into a sequenced frame: it still counts in the
    sequence, but carries no data.
    """

    seq: int
    ts_ms: int
    type: str | None
    data: Any
    raw: str
    error: str | None = None


class ErrorFrame(MalformedMessage):
    """The venue sent an error object instead of a frame (e.g. unknown market); it has no seq."""


def raw_text(message: str | bytes) -> str:
    """The frame's text for decoding and logging; invalid UTF-8 is kept visible, not lost."""
    return message if isinstance(message, str) else message.decode("utf-8", errors="replace")


def decode_frame(raw: str) -> StreamFrame:
    """Parse the envelope, or raise `MalformedMessage` (`ErrorFrame` for a venue error object)."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as error:
        # RecursionError: thousands of nested brackets exhaust the decoder's stack.
        raise MalformedMessage(f"not JSON: {type(error).__name__}: {error}", raw) from error
    if not isinstance(body, dict):
        raise MalformedMessage("frame is not a JSON object", raw)
    seq, ts_ms = body.get("seq"), body.get("ts")
    # `type(x) is int` also refuses booleans, which JSON `true` would otherwise pass off as 1.
    if type(seq) is not int or type(ts_ms) is not int:
        if body.get("status") == "ERROR" or "error" in body:
            raise ErrorFrame(f"error frame: {body.get('error')!r}", raw)
        raise MalformedMessage("frame without integer ts and seq", raw)
    # Both are stored as bigint: beyond int64 a sequence gap or a row could not even be recorded.
    if not (0 <= seq < INT64_LIMIT and 0 <= ts_ms < INT64_LIMIT):
        raise MalformedMessage(f"frame seq {shown(seq)} or ts {shown(ts_ms)} outside the 64-bit range", raw)
    venue_error = body.get("error")
    frame_type = body.get("type")
    return StreamFrame(
        seq,
        ts_ms,
        frame_type if type(frame_type) is str else None,
        body.get("data"),
        raw,
        str(venue_error) if venue_error else None,
    )
