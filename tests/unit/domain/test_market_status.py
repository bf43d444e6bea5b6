from __future__ import annotations

from decimal import Decimal

from mm.domain.market_status import HEARTBEAT_STALE_AFTER_MS, App, BookTop, Heartbeat, MarketStatus


def test_a_heartbeat_is_stale_past_its_apps_allowance() -> None:
    allowance = HEARTBEAT_STALE_AFTER_MS[App.EXECUTOR]
    assert not Heartbeat(App.EXECUTOR, 1_000).is_stale(1_000 + allowance)
    assert Heartbeat(App.EXECUTOR, 1_000).is_stale(1_001 + allowance)


def test_an_app_that_never_wrote_is_stale() -> None:
    beat = Heartbeat(App.REFLECTOR, None)
    assert beat.is_stale(0)
    assert beat.age_ms(0) is None


def test_a_one_sided_book_has_no_mid() -> None:
    assert BookTop(Decimal(1), None, 0).mid is None
    assert BookTop(Decimal(1), Decimal(3), 0).mid == Decimal(2)


def test_a_market_with_nothing_recorded_has_no_data() -> None:
    empty = MarketStatus("X-USD", None, None, (), None, (), None, None, (), (), None, None)
    assert not empty.has_data
