"""Unique keys per test, so tests share one database without seeing each other's rows."""

from __future__ import annotations

import uuid


def a_symbol(base: str = "T") -> str:
    """A market symbol no other test uses, shaped like the venue's (`T1A2B3C4D-USD`)."""
    return f"{base}{uuid.uuid4().hex[:8].upper()}-USD"


def an_id(prefix: str = "id") -> str:
    """An identifier no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"
