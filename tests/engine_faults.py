"""An engine whose ticks fail, for the executor's failure path.

A proxy in the executor's place rather than a patched method: the compiled engine is a native class
(mypyc) whose methods cannot be replaced on an instance, and these tests run on both builds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn

from mm.usecases.trading.live_executor import LiveExecutor

TICKING_CALLS = frozenset(
    {
        "on_bbo_values",
        "on_trade_values",
        "on_mark_value",
        "on_index_value",
        "on_market_event",
        "on_account_event",
        "on_timer",
        "force_pause",
    }
)
"""Every engine entry that runs a tick; `halt` does not, so the failure path may still call it."""


class EngineWithFailingTicks:
    """Delegates to the real engine, except that every call in `failing` raises `error`."""

    def __init__(self, engine: Any, error: BaseException, failing: Iterable[str]) -> None:
        self._engine = engine
        self._error = error
        self._failing = frozenset(failing)

    def __getattr__(self, name: str) -> Any:
        if name in self._failing:
            return self._fail
        return getattr(self._engine, name)

    def _fail(self, *_args: Any, **_kwargs: Any) -> NoReturn:
        raise self._error


def fail_ticks(executor: LiveExecutor, symbol: str, error: BaseException, *, also: Iterable[str] = ()) -> None:
    """From now on every tick of `symbol`'s engine raises `error` (and so does each call named in `also`)."""
    engine = executor.engines[symbol]
    executor.engines[symbol] = EngineWithFailingTicks(engine, error, TICKING_CALLS | set(also))  # type: ignore[assignment]
