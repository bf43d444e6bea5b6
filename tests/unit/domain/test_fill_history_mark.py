from __future__ import annotations

import pytest

from mm.domain.fill_history_mark import FillHistoryMark

LOOKBACK_MS = 10_000


def test_nothing_recorded_gives_no_mark() -> None:
    assert FillHistoryMark.of([], LOOKBACK_MS) is None


def test_the_mark_reaches_the_look_back_behind_the_newest_recorded_fill() -> None:
    mark = FillHistoryMark.of([("1", 100_000), ("2", 130_000), ("3", 125_000)], LOOKBACK_MS)
    assert mark == FillHistoryMark(120_000, 130_000, frozenset({"2", "3"}))


def test_a_fill_before_the_look_back_counts_as_recorded() -> None:
    mark = FillHistoryMark(120_000, 130_000, frozenset({"2"}))
    assert mark.is_recorded("1", 119_999)


def test_a_fill_within_the_look_back_is_recorded_only_when_its_id_is() -> None:
    mark = FillHistoryMark(120_000, 130_000, frozenset({"2"}))
    assert (mark.is_recorded("2", 125_000), mark.is_recorded("4", 125_000)) == (True, False)


def test_a_fill_after_the_newest_recorded_one_is_never_recorded_even_with_a_known_id() -> None:
    mark = FillHistoryMark(120_000, 130_000, frozenset({"2"}))
    assert not mark.is_recorded("2", 130_001)


def test_a_mark_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="after"):
        FillHistoryMark(2, 1, frozenset())


def test_a_negative_look_back_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        FillHistoryMark.of([("1", 1)], -1)


def test_before_the_first_order_every_fill_since_it_less_the_look_back_is_missing() -> None:
    mark = FillHistoryMark.before_first_order(50_000, LOOKBACK_MS)
    assert (mark.is_recorded("1", 39_999), mark.is_recorded("1", 40_000)) == (True, False)
