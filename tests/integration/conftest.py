"""Fixtures shared by integration tests. Add yours below; keep each one small and documented."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from mm.testing.fake_extended import FakeExtendedServer


@pytest.fixture
async def fake_extended_server() -> AsyncIterator[FakeExtendedServer]:
    """A fake Extended venue on loopback (BTC-USD, default account); see `mm.testing.fake_extended`."""
    async with FakeExtendedServer.start() as server:
        yield server
