"""The functional core of `mm`: values and decisions, no I/O, no asyncio, no clock reads."""
