from __future__ import annotations

from mm.domain.bucket_width import BucketWidth


def test_a_minute_bucket_starts_at_the_minute() -> None:
    assert BucketWidth.MINUTE.floor_ms(1_700_000_059_999) == 1_700_000_040_000


def test_an_hour_bucket_starts_at_the_utc_hour() -> None:
    assert BucketWidth.HOUR.floor_ms(1_700_000_000_000) == 1_699_999_200_000
