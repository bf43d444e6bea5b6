"""Jinja filters of the dashboard's pages: times in UTC, ages, numbers as people read them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jinja2 import Environment

from mm.apps.time_text import iso_utc


def ago(age_ms: int | None) -> str:
    """`12s ago`, `5m ago`, `3h ago`, `2d ago`, or `never`."""
    if age_ms is None:
        return "never"
    seconds = max(0, age_ms) // 1000
    if seconds < 120:
        return f"{seconds}s ago"
    if seconds < 7200:
        return f"{seconds // 60}m ago"
    if seconds < 172_800:
        return f"{seconds // 3600}h ago"
    return f"{seconds // 86_400}d ago"


def fixed(value: Decimal | float | int | None, places: int = 4) -> str:
    """A number with `places` decimals, `-` for none."""
    if value is None:
        return "-"
    return f"{Decimal(str(value)):.{places}f}"


def plain(value: Any) -> str:
    return "-" if value is None else str(value)


def add_filters(env: Environment) -> None:
    env.filters["iso"] = iso_utc
    env.filters["ago"] = ago
    env.filters["fixed"] = fixed
    env.filters["plain"] = plain
