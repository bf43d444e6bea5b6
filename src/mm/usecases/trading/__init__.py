"""The quote engine and the live executor's loops: deciding, sending, journaling, saving."""
