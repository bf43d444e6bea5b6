from __future__ import annotations

import pytest

from mm.apps.dashboard.settings import is_loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "::1", "localhost"])
def test_loopback_addresses(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.com", "localhost.example.com"])
def test_addresses_other_machines_reach(host: str) -> None:
    assert not is_loopback(host)
