"""How the fake writes exact numbers on the wire: plain decimal strings, never floats or exponents."""

from __future__ import annotations

from decimal import Decimal


def decimal_text(value: Decimal) -> str:
    """`Decimal("1E+1")` must go out as `"10"`: the venue never sends exponent notation."""
    text = format(value, "f")
    return "0" if text in ("-0", "-0.0") else text


def to_decimal(value: Decimal | str | int | float) -> Decimal:
    """Accept test-friendly numbers; a float goes through its shortest repr, not its binary value."""
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))
