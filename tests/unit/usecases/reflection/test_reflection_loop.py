from __future__ import annotations

import asyncio
from collections.abc import Callable

from mm.adapters.llm.offline_model import offline_model
from mm.adapters.llm.param_advisor import PydanticAiParamAdvisor
from mm.adapters.memory.reasoning_sink import InMemoryReasoningSink
from mm.domain.reflection_schedule import ReflectionSchedule
from mm.domain.reflection_window import HOUR_MS, ReflectionWindow
from mm.usecases.reflection.reflect import ReflectionOutcome
from mm.usecases.reflection.reflection_loop import ReflectionLoop
from tests.reflection_data import WINDOW, aggregate
from tests.unit.usecases.reflection_harness import Harness, harness

SETTLE_MS = 60_000
"""The harness's clock is 65 s past WINDOW's end: closed with a 60 s settle delay."""


def _loop(h: Harness, *symbols: str, catch_up: int = 1, interval_ms: int | None = HOUR_MS) -> ReflectionLoop:
    return ReflectionLoop(
        workflow=h.workflow,
        clock=h.clock,
        metrics=h.metrics,
        exchange="extended",
        symbols=symbols or ("BTC-USD",),
        schedule=ReflectionSchedule(window_ms=HOUR_MS, settle_ms=SETTLE_MS, catch_up=catch_up),
        interval_ms=interval_ms,
    )


async def _until(condition: Callable[[], bool]) -> None:
    """Let the loop task run (the advisor may use worker threads) until `condition` holds."""
    for _ in range(400):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the loop did not get there within 2 s")


async def test_run_once_reflects_on_the_last_closed_hour() -> None:
    h = await harness(PydanticAiParamAdvisor(offline_model()))
    [result] = await _loop(h).run_once()
    assert (result.window, result.outcome) == (WINDOW, ReflectionOutcome.STORED)


async def test_run_once_reflects_on_a_window_given_explicitly() -> None:
    h = await harness(PydanticAiParamAdvisor(offline_model()))
    earlier = ReflectionWindow(WINDOW.start_ms - HOUR_MS, WINDOW.start_ms)
    [result] = await _loop(h).run_once(earlier)
    assert (result.window, result.outcome) == (earlier, ReflectionOutcome.TOO_LITTLE_EVIDENCE)


async def test_an_hour_not_yet_settled_is_not_reflected_on() -> None:
    h = await harness(PydanticAiParamAdvisor(offline_model()))
    h.clock.advance_to(WINDOW.end_ms + HOUR_MS + SETTLE_MS - 1)  # the next hour ended, its markouts not settled
    results = await _loop(h).run_once()
    assert [r.window for r in results] == [WINDOW]


async def test_after_downtime_a_run_catches_up_on_at_most_the_bound_of_missed_windows() -> None:
    h = await harness(PydanticAiParamAdvisor(offline_model()))
    h.clock.advance_to(WINDOW.end_ms + 5 * HOUR_MS + SETTLE_MS)  # five hours down
    results = await _loop(h, catch_up=3).run_once()
    ends = [r.window.end_ms for r in results]
    assert ends == [WINDOW.end_ms + k * HOUR_MS for k in (3, 4, 5)]


async def test_catching_up_decides_each_missed_window_once() -> None:
    h = await harness(PydanticAiParamAdvisor(offline_model()))
    h.clock.advance_to(WINDOW.end_ms + HOUR_MS + SETTLE_MS)
    loop = _loop(h, catch_up=2)
    first = await loop.run_once()
    again = await loop.run_once()
    assert ([r.outcome for r in first], [r.outcome for r in again]) == (
        [ReflectionOutcome.STORED, ReflectionOutcome.TOO_LITTLE_EVIDENCE],
        [ReflectionOutcome.ALREADY_DECIDED, ReflectionOutcome.ALREADY_DECIDED],
    )


async def test_the_next_run_is_due_at_the_next_window_end_plus_the_settle_delay_whenever_this_one_ended() -> None:
    h = await harness(PydanticAiParamAdvisor(offline_model()))
    loop = _loop(h, interval_ms=None)
    due_ms = WINDOW.end_ms + HOUR_MS + SETTLE_MS
    # However long a run took, the wake-up lands on the same clock time: no drift, no skipped hour.
    waits = [now_ms + loop.wait_ms(now_ms) for now_ms in (WINDOW.end_ms + 65_000, WINDOW.end_ms + 40 * 60_000)]
    assert waits == [due_ms, due_ms]


async def test_a_market_failing_with_a_typed_error_is_counted_and_the_next_market_still_runs() -> None:
    h = await harness(PydanticAiParamAdvisor(offline_model()), sink=InMemoryReasoningSink(fails=True))
    await h.seed("ETH-USD")
    results = await _loop(h, "BTC-USD", "ETH-USD").run_once()
    failures = [h.metrics.value("reflector_run_failures_total", symbol=s) for s in ("BTC-USD", "ETH-USD")]
    assert (results, failures) == ([], [1, 1])


async def test_the_loop_stops_when_told_to() -> None:
    h = await harness(PydanticAiParamAdvisor(offline_model()))
    stop = asyncio.Event()
    task = asyncio.create_task(_loop(h).run_until(stop))
    await _until(lambda: h.clock.sleeper_count == 1)
    stop.set()
    await asyncio.wait_for(task, timeout=1)
    assert len(await h.stored()) == 1


async def test_the_loop_runs_again_after_the_interval_on_the_next_hour() -> None:
    h = await harness(PydanticAiParamAdvisor(offline_model()))
    await h.seed(aggregates=(aggregate(WINDOW.end_ms),))
    stop = asyncio.Event()
    task = asyncio.create_task(_loop(h).run_until(stop))
    await _until(lambda: h.clock.sleeper_count == 1)
    await h.clock.run_until(h.clock.now_ms() + HOUR_MS)
    await _until(lambda: len(h.sink.files) == 2 and h.clock.sleeper_count == 1)
    stop.set()
    await asyncio.wait_for(task, timeout=1)
    assert [p.window.end_ms for p in await h.stored()] == [WINDOW.end_ms + HOUR_MS, WINDOW.end_ms]
