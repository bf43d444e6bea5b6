"""`mm dashboard`: a read-only operator dashboard in the browser: live markets, quality, learning loop, backtests."""
