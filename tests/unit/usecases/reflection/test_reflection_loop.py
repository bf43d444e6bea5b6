from __future__ import annotations

import asyncio
from collections.abc import Callable

from mm.adapters.llm.offline_model import offline_model
from mm.adapters.llm.param_advisor import PydanticAiParamAdvisor
from mm.adapters.memory.reasoning_sink import InMemoryReasoningSink
from mm.domain.reflection_window import HOUR_MS, ReflectionWindow
from mm.usecases.reflection.reflect import ReflectionOutcome
from mm.usecases.reflection.reflection_loop import ReflectionLoop
from tests.reflection_data import WINDOW, aggregate
from tests.unit.usecases.reflection_harness import Harness, harness


def _loop(h: Harness, *symbols: str) -> ReflectionLoop:
    return ReflectionLoop(
        workflow=h.workflow,
        clock=h.clock,
        metrics=h.metrics,
        exchange="extended",
        symbols=symbols or ("BTC-USD",),
        interval_ms=HOUR_MS,
    )


async def _until(condition: Callable[[], bool]) -> None:
    """Let the loop task run (the advisor may use worker threads) until `condition` holds."""
    for _ in range(400):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the loop did not get there within 2 s")


async def test_run_once_reflects_on_the_last_full_hour() -> None:
    h = await harness(PydanticAiParamAdvisor(offline_model()))
    [result] = await _loop(h).run_once()
    assert (result.window, result.outcome) == (WINDOW, ReflectionOutcome.STORED)


async def test_run_once_reflects_on_a_window_given_explicitly() -> None:
    h = await harness(PydanticAiParamAdvisor(offline_model()))
    earlier = ReflectionWindow(WINDOW.start_ms - HOUR_MS, WINDOW.start_ms)
    [result] = await _loop(h).run_once(earlier)
    assert (result.window, result.outcome) == (earlier, ReflectionOutcome.NO_ACTIVITY)


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
