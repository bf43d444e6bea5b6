"""Takes the next batch's items off the writer's queue: as many as are there, lingering a little.

Control items (`Flush`, `Stop`) end a batch early and travel behind it, so a flush is answered
only once everything queued before it is stored or spooled.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from mm.adapters.postgres.ingest_batch import QueueItem


@dataclass(frozen=True, slots=True)
class Flush:
    done: asyncio.Future[None]


class Stop:
    """Ends the writer after everything queued before it is stored or spooled."""


Control = Flush | Stop


async def collect_batch(
    queue: asyncio.Queue[QueueItem | Control], *, max_items: int, max_delay_s: float, idle_timeout_s: float | None
) -> tuple[list[QueueItem], Control | None]:
    """Up to `max_items` items, waiting at most `max_delay_s` after the first for more.

    Returns ([], None) when nothing came within `idle_timeout_s` (None: wait for ever).
    """
    try:
        async with asyncio.timeout(idle_timeout_s):
            first = await queue.get()
    except TimeoutError:
        return [], None
    if isinstance(first, Flush | Stop):
        return [], first
    items: list[QueueItem] = [first]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max_delay_s
    while len(items) < max_items:
        try:
            item = queue.get_nowait()
        except asyncio.QueueEmpty:
            remaining_s = deadline - loop.time()
            if remaining_s <= 0:
                break
            try:
                async with asyncio.timeout(remaining_s):
                    item = await queue.get()
            except TimeoutError:
                break
        if isinstance(item, Flush | Stop):
            return items, item
        items.append(item)
    return items, None
