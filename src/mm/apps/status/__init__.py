"""`mm status`: each market's mode, quotes, position, PnL, fills and proposals, and each app's heartbeat."""
