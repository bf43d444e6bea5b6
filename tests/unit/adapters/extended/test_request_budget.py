"""The client-side REST budget (token bucket) on a hand-driven clock."""

from __future__ import annotations

import asyncio

import pytest

from mm.adapters.clock import SimulatedClock
from mm.adapters.extended.metrics import ExtendedMetrics
from mm.adapters.extended.request_budget import RequestBudget, RequestPriority
from mm.adapters.extended.settings import RequestBudgetSettings
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.ports.errors import RateLimited

START_MS = 1_790_000_000_000


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(START_MS, sleep_advances_time=True)


def waited_s(clock: SimulatedClock) -> float:
    return (clock.now_ms() - START_MS) / 1000


def budget(clock: SimulatedClock, **settings: float) -> RequestBudget:
    values = {"max_requests": 10, "window_s": 10.0, "burst": 5, "max_wait_s": 100.0, **settings}
    return RequestBudget(RequestBudgetSettings(**values), clock, ExtendedMetrics(PrometheusMetrics()))  # type: ignore[arg-type]


async def test_a_burst_goes_out_without_waiting(clock: SimulatedClock) -> None:
    requests = budget(clock)

    for _ in range(5):
        await requests.acquire()

    assert waited_s(clock) == 0


async def test_a_request_beyond_the_burst_waits_for_the_refill(clock: SimulatedClock) -> None:
    requests = budget(clock)  # refills (10 - 5) / 10 s = 0.5 per second
    for _ in range(5):
        await requests.acquire()

    await requests.acquire()

    assert waited_s(clock) == pytest.approx(2.0, abs=0.001)


async def test_a_wait_longer_than_allowed_raises_rate_limited_with_the_wait(clock: SimulatedClock) -> None:
    requests = budget(clock, max_wait_s=1.0)
    for _ in range(5):
        await requests.acquire()

    with pytest.raises(RateLimited) as raised:
        await requests.acquire()

    assert raised.value.retry_after_s == pytest.approx(2.0)
    assert waited_s(clock) == 0


async def test_a_refused_request_does_not_use_up_budget(clock: SimulatedClock) -> None:
    requests = budget(clock, max_wait_s=1.0)
    for _ in range(5):
        await requests.acquire()
    with pytest.raises(RateLimited):
        await requests.acquire()

    clock.advance_ms(2000)

    assert requests.wait_s() == 0


async def test_no_window_ever_sees_more_than_the_maximum(clock: SimulatedClock) -> None:
    requests = budget(clock, max_requests=20, window_s=5.0, burst=8)
    sent_ms: list[int] = []

    for _ in range(200):
        await requests.acquire()
        sent_ms.append(clock.now_ms())

    busiest = max(sum(1 for t in sent_ms if start <= t < start + 5000) for start in sent_ms)
    assert 19 <= busiest <= 20  # at the limit, never over it


async def test_after_a_pause_nothing_goes_until_it_ends_and_the_bucket_starts_empty(clock: SimulatedClock) -> None:
    requests = budget(clock)

    requests.pause(3.0)
    await requests.acquire()

    assert waited_s(clock) == pytest.approx(3.0 + 2.0, abs=0.001)


async def test_a_pause_longer_than_the_allowed_wait_refuses_at_once(clock: SimulatedClock) -> None:
    requests = budget(clock, max_wait_s=1.0)

    requests.pause(5.0)

    with pytest.raises(RateLimited):
        await requests.acquire()


def test_a_burst_as_large_as_the_maximum_is_refused_by_settings() -> None:
    with pytest.raises(ValueError, match="burst"):
        RequestBudgetSettings(max_requests=10, burst=10)


def reserve(clock: SimulatedClock, **settings: float) -> RequestBudget:
    """A budget whose reserve for risk-reducing requests refills 0.2 a second after a burst of 2."""
    return budget(clock, reserved_requests=4, reserved_burst=2, **settings)


RISK = RequestPriority.RISK_REDUCING


async def test_a_risk_reducing_request_goes_at_once_while_routine_requests_back_off(clock: SimulatedClock) -> None:
    requests = reserve(clock, max_wait_s=1.0)

    requests.pause(5.0)
    await requests.acquire(RISK)

    assert waited_s(clock) == 0


async def test_routine_requests_never_take_the_reserved_tokens(clock: SimulatedClock) -> None:
    requests = reserve(clock)
    for _ in range(5):
        await requests.acquire()

    await requests.acquire(RISK)
    await requests.acquire(RISK)

    assert waited_s(clock) == 0


async def test_a_risk_reducing_request_uses_the_totals_spare_capacity_when_its_reserve_is_empty(
    clock: SimulatedClock,
) -> None:
    requests = reserve(clock)
    requests.pause(60.0)
    for _ in range(2):
        await requests.acquire(RISK)

    for _ in range(5):  # the total holds a burst of 5 + 2
        await requests.acquire(RISK)

    assert waited_s(clock) == 0


async def test_routine_requests_keep_their_own_budget_when_risk_reducing_requests_use_the_total(
    clock: SimulatedClock,
) -> None:
    requests = reserve(clock)
    for _ in range(7):
        await requests.acquire(RISK)

    await requests.acquire()

    assert waited_s(clock) == 0


async def test_a_risk_reducing_request_waits_for_the_totals_refill_once_reserve_and_total_are_used_up(
    clock: SimulatedClock,
) -> None:
    requests = reserve(clock)
    for _ in range(7):
        await requests.acquire(RISK)

    await requests.acquire(RISK)

    assert waited_s(clock) == pytest.approx(1 / 0.7, abs=0.001)  # the total refills (14 - 7) / 10 s


async def test_the_venues_retry_after_holds_risk_reducing_requests_until_it_ends_and_no_longer(
    clock: SimulatedClock,
) -> None:
    requests = reserve(clock, max_wait_s=1.0)

    requests.pause_all(3.0)
    await requests.acquire(RISK)

    assert waited_s(clock) == pytest.approx(3.0, abs=0.001)


async def test_the_venues_retry_after_holds_routine_requests_too(clock: SimulatedClock) -> None:
    requests = reserve(clock, max_wait_s=1.0)

    requests.pause_all(3.0)

    with pytest.raises(RateLimited):
        await requests.acquire()


async def test_a_risk_reducing_request_is_refused_when_our_own_traffic_would_hold_it_longer_than_allowed(
    clock: SimulatedClock,
) -> None:
    requests = reserve(clock, max_wait_s=1.0)
    for _ in range(7):
        await requests.acquire(RISK)

    with pytest.raises(RateLimited):
        await requests.acquire(RISK)


def test_a_reserved_burst_as_large_as_the_reserve_is_refused_by_settings() -> None:
    with pytest.raises(ValueError, match="reserved_burst"):
        RequestBudgetSettings(reserved_requests=10, reserved_burst=10)


async def test_no_window_ever_sees_more_than_the_total_with_both_kinds_of_traffic(clock: SimulatedClock) -> None:
    requests = reserve(clock)
    sent_ms: list[int] = []

    async def send(priority: RequestPriority) -> None:
        while True:
            try:
                await requests.acquire(priority)
            except RateLimited as refused:
                await clock.sleep(refused.retry_after_s or 0.1)
                continue
            sent_ms.append(clock.now_ms())
            return

    for i in range(300):
        await send(RISK if i % 3 == 0 else RequestPriority.ROUTINE)

    busiest = max(sum(1 for t in sent_ms if start <= t < start + 10_000) for start in sent_ms)
    assert busiest <= 10 + 4


def busiest_window(sent_ms: list[int], window_ms: int) -> int:
    """The most requests in any window (t - window, t], as a venue counts them."""
    return max(sum(1 for s in sent_ms if t - window_ms < s <= t) for t in sent_ms)


async def test_requests_a_stalled_loop_woke_late_do_not_go_all_at_once() -> None:
    """A loop that stalls for a second wakes every request due meanwhile together; they must not exceed the window."""
    clock = SimulatedClock(START_MS)
    requests = budget(clock, max_requests=20, window_s=0.5, burst=5)
    sent_ms: list[int] = []

    async def send() -> None:
        await requests.acquire()
        sent_ms.append(clock.now_ms())

    senders = [asyncio.create_task(send()) for _ in range(60)]
    await asyncio.sleep(0)
    clock.advance_ms(1_000)  # the stall: every request due in the first second wakes now
    await clock.run_until(START_MS + 5_000)
    await asyncio.gather(*senders)

    assert len(sent_ms) == 60
    assert busiest_window(sent_ms, 500) <= 20
