"""`mm backtest`."""
