"""mm: a market maker for Extended perpetual futures.

Importing `mm` has no side effects: no engines, sockets, logging set-up or agents are made here.
"""

__version__ = "0.1.0"
