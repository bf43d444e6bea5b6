"""The memory of emitted fills and the floor of the next REST scan for missed ones."""

from __future__ import annotations

import pytest

from mm.adapters.extended.seen_fills import SeenFills
from mm.domain.fill_history_mark import FillHistoryMark


def live_since(floor_ts_ms: int, capacity: int = 10_000) -> SeenFills:
    seen = SeenFills(capacity)
    seen.start_at(floor_ts_ms)
    return seen


def test_a_fill_is_admitted_once() -> None:
    seen = SeenFills()

    assert [seen.admit("f1", 100), seen.admit("f1", 100)] == [True, False]


def test_before_the_stream_went_live_every_fill_is_settled_history() -> None:
    assert SeenFills().is_settled(10**15)


def test_a_fill_before_the_floor_is_settled_and_one_at_the_floor_is_not() -> None:
    seen = live_since(1_000)

    assert (seen.is_settled(999), seen.is_settled(1_000)) == (True, False)


def test_only_the_first_start_sets_the_floor() -> None:
    seen = live_since(1_000)

    seen.start_at(5_000)  # a later reconnect

    assert seen.floor_ts_ms == 1_000


def test_the_floor_never_goes_down() -> None:
    seen = live_since(1_000)
    seen.settle_before(3_000)

    seen.settle_before(2_000)

    assert seen.floor_ts_ms == 3_000


def test_settling_before_the_stream_went_live_leaves_the_floor_unset() -> None:
    seen = SeenFills()

    seen.settle_before(3_000)

    assert seen.floor_ts_ms is None


def test_forgetting_the_oldest_fill_settles_its_time_so_no_scan_brings_it_back() -> None:
    seen = live_since(1_000, capacity=2)
    seen.admit("f1", 1_500)
    seen.admit("f2", 1_600)

    seen.admit("f3", 1_700)

    assert ("f1" in seen, seen.floor_ts_ms) == (False, 1_501)


def test_a_capacity_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="capacity"):
        SeenFills(0)


def test_resuming_from_a_mark_starts_the_floor_at_it_not_at_the_first_frame() -> None:
    seen = SeenFills()
    seen.resume_from(FillHistoryMark(1_000, 1_500, frozenset({"7"})))
    seen.start_at(9_000)
    assert (seen.floor_ts_ms, seen.is_settled(999), seen.is_settled(1_000)) == (1_000, True, False)


def test_fills_the_mark_holds_count_as_emitted() -> None:
    seen = SeenFills()
    seen.resume_from(FillHistoryMark(1_000, 1_500, frozenset({"7"})))
    assert "7" in seen
    assert not seen.admit("7", 1_200)
