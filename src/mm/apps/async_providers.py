"""Reading dependency-injector providers that may hand out awaitables.

A provider that depends on an async resource returns a future instead of its object, and
`init_resources()` / `shutdown_resources()` return one when any resource is async; composition roots
await whatever they get.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def resolved(provided: T | Awaitable[T]) -> T:
    """The provider's object, awaited if it came as an awaitable."""
    if inspect.isawaitable(provided):
        return await provided
    return provided


async def settle(result: object) -> None:
    """Await `result` if it is awaitable (a resources call that may be sync or async)."""
    if inspect.isawaitable(result):
        await result
