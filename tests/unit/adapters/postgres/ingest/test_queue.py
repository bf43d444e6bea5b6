"""The writer's queue: bounded, taken in batches, split at flush and stop markers."""

from __future__ import annotations

import asyncio

from mm.adapters.postgres.ingest.queue import Flush, IngestQueue, Stop
from tests.ingestor_support.market_data_examples import a_bbo


def a_queue(*seqs: int, max_items: int = 10) -> IngestQueue:
    queue = IngestQueue(max_items)
    for seq in seqs:
        queue.put_nowait(a_bbo(seq))
    return queue


async def test_take_returns_what_is_queued_up_to_the_maximum() -> None:
    items, control = await a_queue(1, 2, 3).take(max_items=2, max_delay_s=0, idle_timeout_s=None)
    assert ([item.seq for item in items], control) == ([1, 2], None)  # type: ignore[union-attr]


async def test_a_full_queue_refuses_more() -> None:
    assert a_queue(1, 2, max_items=2).put_nowait(a_bbo(3)) is False


async def test_a_control_item_ends_the_batch_and_comes_with_it() -> None:
    queue = a_queue(1)
    stop = Stop()
    queue.put_control(stop)
    queue.put_nowait(a_bbo(2))
    assert await queue.take(max_items=10, max_delay_s=1, idle_timeout_s=None) == ([a_bbo(1)], stop)
    assert len(queue) == 1


async def test_a_control_item_is_queued_even_when_full() -> None:
    queue = a_queue(1, max_items=1)
    queue.put_control(Flush(asyncio.get_running_loop().create_future()))
    assert len(queue) == 2


async def test_take_lingers_for_items_that_arrive_soon() -> None:
    queue = a_queue(1)
    asyncio.get_running_loop().call_later(0.01, queue.put_nowait, a_bbo(2))
    items, _ = await queue.take(max_items=2, max_delay_s=1, idle_timeout_s=None)
    assert len(items) == 2


async def test_take_gives_up_after_the_idle_timeout() -> None:
    assert await IngestQueue(5).take(max_items=5, max_delay_s=0, idle_timeout_s=0.01) == ([], None)


async def test_room_is_signalled_once_a_batch_was_taken() -> None:
    queue = a_queue(1, 2, max_items=2)
    waiting = asyncio.create_task(queue.wait_for_room())
    await asyncio.sleep(0)
    assert not waiting.done()
    await queue.take(max_items=2, max_delay_s=0, idle_timeout_s=None)
    await asyncio.wait_for(waiting, 1)
