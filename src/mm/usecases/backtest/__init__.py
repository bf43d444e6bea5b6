"""The backtest: recorded data replayed through the live engine against a simulated venue."""
