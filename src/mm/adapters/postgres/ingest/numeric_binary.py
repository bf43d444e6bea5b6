"""Exact `Decimal`s in Postgres's binary `numeric` wire format, with a cache of recent values.

psycopg's own binary dumper costs about 0.85 µs per `Decimal`, which made the four numerics of a
best bid/offer row most of the writer's CPU (measured: 3.4 of 4.0 µs to format a row). Prices and
sizes repeat a lot, so the encoded bytes are cached by the value's exact text (`1.5` and `1.50`
are different keys: numeric keeps the scale).

Format (PostgreSQL `numeric_send`): int16 ndigits, int16 weight, uint16 sign, int16 dscale, then
ndigits base-10,000 digits, most significant first; the value is Σ digit_i · 10000^(weight − i).
"""

from __future__ import annotations

import struct
from decimal import Decimal

_POSITIVE = 0x0000
_NEGATIVE = 0x4000
_HEADER = struct.Struct(">hhHh")


def encode_numeric(value: Decimal) -> bytes:
    """The binary `numeric` of a finite `Decimal`, exact to its last digit and scale."""
    if not value.is_finite():
        raise ValueError(f"numeric columns take finite values only, got {value}")
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    coefficient = int("".join(map(str, digits)) or "0")
    fraction_digits = max(0, -exponent)
    if exponent > 0:
        coefficient *= 10**exponent
    padding = -fraction_digits % 4  # align the fraction to whole base-10,000 digits
    scaled = coefficient * 10**padding
    groups: list[int] = []
    while scaled:
        scaled, group = divmod(scaled, 10_000)
        groups.append(group)
    groups.reverse()
    weight = len(groups) - 1 - (fraction_digits + padding) // 4
    while groups and groups[-1] == 0:
        groups.pop()
    if not groups:
        return _HEADER.pack(0, 0, _POSITIVE, fraction_digits)
    header = _HEADER.pack(len(groups), weight, _NEGATIVE if sign else _POSITIVE, fraction_digits)
    return header + struct.pack(f">{len(groups)}H", *groups)


def decode_numeric(data: bytes) -> Decimal:
    """The `Decimal` a binary `numeric` holds, with its scale (the spool's text form needs it)."""
    ndigits, weight, sign, dscale = _HEADER.unpack_from(data)
    if sign not in (_POSITIVE, _NEGATIVE):
        raise ValueError(f"not a finite numeric (sign {sign:#06x})")
    groups = struct.unpack_from(f">{ndigits}H", data, _HEADER.size)
    coefficient = 0
    for group in groups:
        coefficient = coefficient * 10_000 + group
    shift = 4 * (weight - ndigits + 1) + dscale  # decimal places to move so the exponent is -dscale
    coefficient = coefficient * 10**shift if shift >= 0 else coefficient // 10**-shift
    digits = tuple(int(char) for char in str(coefficient))
    return Decimal((1 if sign == _NEGATIVE else 0, digits, -dscale))


class NumericCache(dict[str, bytes | None]):
    """Binary numerics by the exact text of the value: `cache[str(value)]`, `str(None)` giving None.

    A dict lookup on a hit (no Python call: this runs four times per best bid/offer row); a miss
    encodes and keeps the result, and a cache grown past `max_cached` starts over. An entry costs
    about 140 bytes, so the cache is at most ~4.5 MB; 200,000 entries made the ingestor's memory
    climb by ~27 MB on a live feed. On a day of recorded BTC tops it still answers 94 % of lookups
    (95 % with 200,000).
    """

    def __init__(self, max_cached: int = 32_768) -> None:
        super().__init__()
        self._max_cached = max_cached

    def __missing__(self, text: str) -> bytes | None:
        if len(self) >= self._max_cached:
            self.clear()  # a new price regime: the old entries will not come back soon
        encoded = self[text] = None if text == "None" else encode_numeric(Decimal(text))
        return encoded
