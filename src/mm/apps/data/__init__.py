"""`mm data`."""
