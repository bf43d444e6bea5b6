"""`mm reflect`."""
