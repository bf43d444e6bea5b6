"""Runs a set of stream tasks and hands their events to one async iterator.

Shared by the market-data feed and the account stream: the tasks push events synchronously into
an unbounded queue (a stream task never waits on its consumer, so it keeps answering pings), and
a task that dies of a fatal error ends the iterator with that error instead of going quiet.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from typing import Any, Generic, TypeVar

E = TypeVar("E")


class _End:
    """Marks the end of the stream in the queue."""


_END = _End()


class EventPump(Generic[E]):
    def __init__(self) -> None:
        self._queue: asyncio.Queue[E | BaseException | _End] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._is_closed = False

    @property
    def is_running(self) -> bool:
        return bool(self._tasks)

    def emit(self, event: E) -> None:
        if not self._is_closed:
            self._queue.put_nowait(event)

    def start(self, name: str, coroutine: Coroutine[Any, Any, None]) -> None:
        if self._is_closed:
            coroutine.close()
            raise RuntimeError("this event stream is closed")
        task = asyncio.create_task(coroutine, name=name)
        task.add_done_callback(self._task_done)
        self._tasks.append(task)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        if task.cancelled() or self._is_closed:
            return
        error = task.exception()
        self._queue.put_nowait(error if error is not None else RuntimeError(f"{task.get_name()} ended"))

    def backlog(self) -> int:
        return self._queue.qsize()

    async def events(self) -> AsyncIterator[E]:
        """Yield events until `aclose()`; re-raise the error of a task that died."""
        try:
            while True:
                item = await self._queue.get()
                if isinstance(item, _End):
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        if self._is_closed:
            return
        self._is_closed = True
        self._queue.put_nowait(_END)
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        # Errors of dead tasks were already handed to the consumer; here they only need collecting.
        await asyncio.gather(*tasks, return_exceptions=True)
