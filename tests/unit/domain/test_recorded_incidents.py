from __future__ import annotations

import pytest

from mm.domain.mode import Mode
from mm.domain.operations_record import OperationsRecord
from mm.domain.order_journal import OrderEvent, OrderJournalEntry
from mm.domain.recorded_incidents import RecordedIncidents, is_exchange_error, is_pause_entered

HOUR_MS = 3_600_000
NOW_MS = 10 * HOUR_MS


def an_entry(event: OrderEvent, reason: str | None = None, status: str | None = None) -> OrderJournalEntry:
    return OrderJournalEntry("extended", "BTC-USD", NOW_MS, event, status=status, reason=reason)


def test_entering_pause_is_a_pause_and_staying_in_it_is_not() -> None:
    assert is_pause_entered("PAUSE", "NORMAL")
    assert not is_pause_entered("PAUSE", None)
    assert not is_pause_entered("DEFENSIVE", "PAUSE")


def test_a_failed_request_is_an_exchange_error_unless_it_lost_a_race() -> None:
    assert is_exchange_error(an_entry(OrderEvent.FAILED, "ExchangeUnavailable"))
    assert is_exchange_error(an_entry(OrderEvent.FAILED, "OrderRejected"))
    assert not is_exchange_error(an_entry(OrderEvent.FAILED, "PostOnlyWouldCross"))
    assert not is_exchange_error(an_entry(OrderEvent.FAILED, "OrderNotFound"))


def test_an_order_closed_by_the_venue_for_a_fault_is_an_exchange_error() -> None:
    assert is_exchange_error(an_entry(OrderEvent.UPDATE, "insufficient_margin", "rejected"))


@pytest.mark.parametrize(
    ("reason", "status"),
    [("none", "cancelled"), ("replaced", "cancelled"), ("post_only_would_cross", "rejected"), ("other", "new")],
)
def test_ordinary_order_updates_are_no_exchange_error(reason: str, status: str) -> None:
    assert not is_exchange_error(an_entry(OrderEvent.UPDATE, reason, status))


def test_sent_requests_are_no_exchange_error() -> None:
    assert not is_exchange_error(an_entry(OrderEvent.PLACE_SENT))


def test_incidents_out_of_time_order_are_refused() -> None:
    with pytest.raises(ValueError, match="ascending"):
        RecordedIncidents(gap_ts_ms=(2, 1))


def test_recalled_incidents_count_in_the_operations_facts_for_their_hour() -> None:
    record = OperationsRecord()
    record.recall(RecordedIncidents((NOW_MS - 1_000,), (NOW_MS - 2_000, NOW_MS - 1_500), (NOW_MS - HOUR_MS - 1,)))
    facts = record.facts(Mode.DEFENSIVE, NOW_MS)
    assert (facts.pause_count, facts.data_gap_count, facts.exchange_error_count) == (1, 2, 0)


def test_live_incidents_add_to_the_recalled_ones() -> None:
    record = OperationsRecord()
    record.recall(RecordedIncidents(pause_ts_ms=(NOW_MS - 1_000,)))
    record.on_pause(NOW_MS)
    assert record.facts(Mode.PAUSE, NOW_MS).pause_count == 2
