from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from mm.domain.reflection_evidence import EvidencePolicy, evidence_shortfalls, quoting_s
from mm.domain.reflection_input import ReflectionInput
from tests.reflection_data import aggregate, reflection_input

POLICY = EvidencePolicy(min_fills=10, min_quoting_s=600)


def _input(fill_count: int, normal_s: int, uptime: str | None) -> ReflectionInput:
    bucket = replace(
        aggregate(fill_count=fill_count),
        time_normal_s=Decimal(normal_s),
        time_defensive_s=Decimal(0),
        time_pause_s=Decimal(0),
        quote_uptime=None if uptime is None else Decimal(uptime),
    )
    return replace(reflection_input(), summaries=(bucket,))


def test_enough_fills_and_quoting_is_evidence() -> None:
    assert evidence_shortfalls(_input(10, 3600, "0.5"), POLICY) == ()


def test_too_few_fills_is_too_little_evidence() -> None:
    assert evidence_shortfalls(_input(9, 3600, "1"), POLICY) == ("9 fills, fewer than 10",)


def test_too_little_quoting_is_too_little_evidence_even_with_many_fills() -> None:
    assert evidence_shortfalls(_input(50, 3600, "0.1"), POLICY) == ("360 s of quoting, less than 600 s",)


def test_quoting_time_without_an_uptime_is_the_time_not_paused() -> None:
    bucket = replace(aggregate(), time_normal_s=Decimal(100), time_defensive_s=Decimal(50), time_pause_s=Decimal(900))
    assert quoting_s((replace(bucket, quote_uptime=None),)) == 150.0
