from __future__ import annotations

import pytest

from mm.domain.bucket_width import BucketWidth
from mm.domain.reflection_window import HOUR_MS, ReflectionWindow, last_full_hour

HOUR_0_MS = 1_767_225_600_000  # 2026-01-01T00:00Z


def test_the_last_full_hour_ends_at_the_start_of_the_current_hour() -> None:
    assert last_full_hour(HOUR_0_MS + 5 * HOUR_MS + 1_234) == ReflectionWindow(
        HOUR_0_MS + 4 * HOUR_MS, HOUR_0_MS + 5 * HOUR_MS
    )


def test_exactly_on_the_hour_the_hour_just_ended_is_the_last_full_one() -> None:
    assert last_full_hour(HOUR_0_MS) == ReflectionWindow(HOUR_0_MS - HOUR_MS, HOUR_0_MS)


def test_a_window_contains_its_start_but_not_its_end() -> None:
    window = ReflectionWindow(HOUR_0_MS, HOUR_0_MS + HOUR_MS)
    assert (window.contains(HOUR_0_MS), window.contains(HOUR_0_MS + HOUR_MS)) == (True, False)


def test_a_window_that_does_not_end_after_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="must end after it starts"):
        ReflectionWindow(HOUR_0_MS, HOUR_0_MS)


@pytest.mark.parametrize(
    ("start_ms", "end_ms", "width", "words"),
    [
        (0, HOUR_MS, BucketWidth.HOUR, "1 hour"),
        (0, 3 * HOUR_MS, BucketWidth.HOUR, "3 hours"),
        (HOUR_MS, HOUR_MS + 60_000, BucketWidth.MINUTE, "1 minute"),
        (30 * 60_000, 90 * 60_000, BucketWidth.MINUTE, "1 hour"),  # an hour long, not on the hour
        (0, 90_000, BucketWidth.MINUTE, "90 seconds"),
        (0, 1_500, BucketWidth.MINUTE, "1500 ms"),
    ],
)
def test_a_window_names_its_length_and_the_buckets_it_reads(
    start_ms: int, end_ms: int, width: BucketWidth, words: str
) -> None:
    window = ReflectionWindow(start_ms, end_ms)
    assert (window.aggregate_width, window.describe_duration()) == (width, words)
