"""mm: a market maker for Extended perpetual futures.

Importing `mm` makes no engines, sockets, logging set-up or agents. Its one effect is choosing the
engine (`mm.engine_build`): the compiled hot modules, or their Python source when asked for, not built
or stale.
"""

from mm.engine_build import select_engine

__version__ = "0.1.0"

select_engine()
