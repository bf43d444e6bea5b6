"""`mm summarize`."""
