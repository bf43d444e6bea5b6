"""Sweeps and searches of backtests: many runs over recorded sets, on a process pool or a Ray cluster, stored and compared."""
