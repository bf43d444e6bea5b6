"""`mm trade`."""
