"""The incidents an executor recorded in one market: when it paused, when data was missing, when the venue erred. No I/O.

The rollout's operations gate and the rollback audit count incidents over the last hour. A restart
must not forget them, so they are read back from the record at start. The rules for which record
is an incident live here, so every store reads the record the same way the engine counted it live.
"""

from __future__ import annotations

from dataclasses import dataclass

from mm.domain.mode import Mode
from mm.domain.order_journal import OrderEvent, OrderJournalEntry
from mm.domain.orders import OrderStatus, RejectReason

BENIGN_FAILURES = frozenset({"PostOnlyWouldCross", "OrderNotFound"})
"""`ex_order.reason` of a failed request that is no exchange error: the book moved, or the order was
already gone (see `RequestFailure.is_exchange_error`)."""

BENIGN_CLOSE_REASONS = frozenset(
    {RejectReason.NONE.value, RejectReason.REPLACED.value, RejectReason.POST_ONLY_WOULD_CROSS.value}
)
"""`ex_order.reason` of an order update that closes an order without an exchange error."""

OPEN_STATUSES = frozenset({OrderStatus.NEW.value, OrderStatus.PARTIALLY_FILLED.value})


@dataclass(frozen=True, slots=True)
class RecordedIncidents:
    """Times (epoch ms, ascending) of the PAUSEs entered, the data gaps and the exchange errors."""

    pause_ts_ms: tuple[int, ...] = ()
    gap_ts_ms: tuple[int, ...] = ()
    error_ts_ms: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        for name in ("pause_ts_ms", "gap_ts_ms", "error_ts_ms"):
            stamps = getattr(self, name)
            if list(stamps) != sorted(stamps):
                raise ValueError(f"{name} must be in ascending order")

    @property
    def is_empty(self) -> bool:
        return not (self.pause_ts_ms or self.gap_ts_ms or self.error_ts_ms)


def is_pause_entered(mode: str, prev_mode: str | None) -> bool:
    """Whether a decision row records entering PAUSE (the engine counts a PAUSE when it starts)."""
    return mode == Mode.PAUSE.value and prev_mode is not None and prev_mode != Mode.PAUSE.value


def is_exchange_error(entry: OrderJournalEntry) -> bool:
    """Whether an order-log row records an exchange error, as the engine counted it toward its error burst."""
    if entry.event is OrderEvent.FAILED:
        return entry.reason not in BENIGN_FAILURES
    if entry.event is OrderEvent.UPDATE:
        return (
            entry.status not in OPEN_STATUSES and (entry.reason or RejectReason.NONE.value) not in BENIGN_CLOSE_REASONS
        )
    return False
