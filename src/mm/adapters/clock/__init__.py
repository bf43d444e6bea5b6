"""Time sources: the wall clock for live apps, a simulated clock the backtest moves by hand."""

from mm.adapters.clock.simulated import SimulatedClock
from mm.adapters.clock.system import SystemClock

__all__ = ["SimulatedClock", "SystemClock"]
