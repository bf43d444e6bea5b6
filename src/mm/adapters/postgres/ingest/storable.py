"""What the `md_*` writer can store, and the rows it sets aside instead of failing their batch.

The writer must never die on one row. Its columns have limits a hostile or broken message can
exceed: a `bigint` seq, a timestamp whose day has a partition (Python's `date` ends with year 9999),
a `numeric` within its range (`numeric_binary.NumericOutOfRange`). A row beyond them is set aside
with its reason (`RejectedRow`), the rest of its batch is stored. A gap whose seq exceeds `bigint`
is still recorded: the seq is left NULL and the detail says what it was.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from enum import StrEnum

from mm.domain.market_events import BestBidOffer, FeedGap, FeedRecovered

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# 1970-01-01 up to the end of year 9999 (the last day a partition can be named for).
MIN_TS_MS, MAX_TS_MS = 0, 253_402_300_799_999
_SHOWN_CHARS = 300  # of each field of a set-aside row


class RejectReason(StrEnum):
    """Why a row was set aside: a bounded set, for the metric's label."""

    TIME = "time"  # a timestamp outside what a partition can hold
    SEQ = "seq"  # a seq beyond bigint
    NUMERIC = "numeric"  # a number numeric cannot hold
    REFUSED = "refused"  # Postgres (or the driver) refused the row itself


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row the writer set aside: where it was going, why not, and the event it came from."""

    table: str
    kind: RejectReason
    reason: str
    item: object

    def as_json(self) -> str:
        """One JSON line for the rejected folder; every field cut short, whatever its size."""
        item = self.item
        fields: dict[str, object] = {"value": item}
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            fields = {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
        shown = {name: _short(value) for name, value in fields.items()}
        return json.dumps(
            {"table": self.table, "kind": self.kind.value, "reason": self.reason, "row": shown},
            ensure_ascii=True,  # a lone surrogate in a refused string must not fail the line
        )


def _short(value: object) -> object:
    """`value` for the rejected folder: small numbers as they are, anything else as text of bounded length."""
    if value is None or isinstance(value, bool) or (isinstance(value, int) and INT64_MIN <= value <= INT64_MAX):
        return value
    if isinstance(value, int) and value.bit_length() > 4_000:  # str() of it would be slow, or refused
        return f"an integer of {value.bit_length()} bits"
    text = str(value)
    return text if len(text) <= _SHOWN_CHARS else f"{text[:_SHOWN_CHARS]}... ({len(text)} characters)"


def time_problem(what: str, ts_ms: int) -> str | None:
    """Why a timestamp cannot be stored, or None."""
    if MIN_TS_MS <= ts_ms <= MAX_TS_MS:
        return None
    return f"{what} {_short(ts_ms)} ms is outside 1970-01-01..9999-12-31"


def seq_fits(seq: int | None) -> bool:
    return seq is None or INT64_MIN <= seq <= INT64_MAX


def top_problem(top: BestBidOffer) -> RejectedRow | None:
    """Why a best bid/offer cannot become `latest_top` (its numerics are checked where encoded)."""
    reason = time_problem("ts", top.exchange_ts_ms) or time_problem("recv_ts", top.received_ts_ms)
    return None if reason is None else RejectedRow("latest_top", RejectReason.TIME, reason, top)


def storable_gap(event: FeedGap | FeedRecovered) -> FeedGap | FeedRecovered | RejectedRow:
    """The gap event as `md_gap` can hold it, or why it cannot.

    A seq beyond `bigint` (a broken or hostile counter) must not lose the gap: it is stored NULL,
    and the detail keeps its value.
    """
    if isinstance(event, FeedRecovered):
        reason = time_problem("gap_from_ts", event.gap_from_ts_ms) or time_problem(
            "recovered_ts", event.recovered_ts_ms
        )
        return event if reason is None else RejectedRow("md_gap", RejectReason.TIME, reason, event)
    reason = time_problem("from_ts", event.from_ts_ms)
    if reason is not None:
        return RejectedRow("md_gap", RejectReason.TIME, reason, event)
    beyond = {
        name: value
        for name, value in (("expected_seq", event.expected_seq), ("received_seq", event.received_seq))
        if not seq_fits(value)
    }
    if not beyond:
        return event
    note = ", ".join(f"{name} {_short(value)} is beyond bigint" for name, value in beyond.items())
    return dataclasses.replace(
        event,
        expected_seq=None if "expected_seq" in beyond else event.expected_seq,
        received_seq=None if "received_seq" in beyond else event.received_seq,
        detail=f"{event.detail} ({note})" if event.detail else note,
    )
