"""`@value`: a domain value that the type checker treats as frozen and that is cheap to build.

`@dataclass(frozen=True, slots=True)` enforces immutability at run time by routing every field of
`__init__` through `object.__setattr__`: a 10-field value costs about 1.7 us to build on this
project's CI machine against 0.35 us for the same class unfrozen. Values built on every strategy
tick and every order event (snapshots, features, quotes, orders and their updates) are built
millions of times in a backtest, so they use this decorator instead: `typing.dataclass_transform`
with `frozen_default=True` makes mypy reject any assignment to a field (CI runs mypy on all of
`src/`), and instances hash by their fields as frozen ones do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar, dataclass_transform

_Value = TypeVar("_Value")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def value(cls: type[_Value]) -> type[_Value]:
    return dataclass(slots=True, unsafe_hash=True)(cls)
