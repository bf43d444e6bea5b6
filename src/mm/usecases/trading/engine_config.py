"""The quote engine's own settings: identity, safety timers and request ceilings (strategy params live apart)."""

from __future__ import annotations

from mm.domain.value import value


@value(frozen=True)
class EngineConfig:
    """How one market's engine runs, beside the tunable `StrategyParams`.

    A `@value`, not a run-time frozen dataclass: sweeps send it to worker processes, and a compiled frozen
    dataclass cannot be unpickled (its state is set through the frozen `__setattr__`).

    `client_order_id_prefix` must be unique per run (the app adds a run id): the counter after it
    continues from the last saved state, and ids issued after that save would otherwise be
    issued again after a crash, which the venue refuses as duplicates. `absent_grace_ms` is how long after our last request about an order a REST
    snapshot must arrive before the order's absence from it counts as closed.
    """

    exchange: str
    symbol: str
    client_order_id_prefix: str = "mm"
    cancel_all_resend_ms: int = 1_000
    absent_grace_ms: int = 3_000
    state_save_interval_ms: int = 5_000
    decision_heartbeat_ms: int = 10_000
    max_requests_per_second: int = 10
    max_requests_per_minute: int = 600
    records_decisions: bool = True
    skips_unchanged_ticks: bool = True
    """Skip a tick whose inputs are those of the last one (same output, see `QuoteEngine._tick_inputs`);
    off only to check that skipping changes nothing."""

    def __post_init__(self) -> None:
        if not self.exchange or not self.symbol:
            raise ValueError("exchange and symbol must not be empty")
        if not self.client_order_id_prefix or len(self.client_order_id_prefix) > 24:
            raise ValueError("client_order_id_prefix must have 1 to 24 characters")
        for name in ("cancel_all_resend_ms", "state_save_interval_ms", "decision_heartbeat_ms"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        if self.absent_grace_ms < 0:
            raise ValueError("absent_grace_ms must not be negative")
