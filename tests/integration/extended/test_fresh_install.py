"""A fresh `pip install` of the project gets working streams.

The SDK's stream classes break on websockets >= 14 (they pass `extra_headers`), and the SDK's own
metadata lets pip pull the newest websockets. So the project pins websockets >= 15 and the adapter
streams with its own client; these tests check that the pin, the installed version and the
adapter's imports agree. (The streaming itself is proven in the other tests of this folder, run on
the installed version.)
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib.metadata import requires, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

pytestmark = pytest.mark.integration

PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"


def project_requirement(name: str) -> Requirement:
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    [requirement] = [Requirement(d) for d in dependencies if Requirement(d).name == name]
    return requirement


def test_the_project_pin_admits_no_websockets_the_adapter_was_not_written_for() -> None:
    pin = project_requirement("websockets").specifier

    assert not any(pin.contains(Version(v)) for v in ("12.0", "13.1", "14.2"))
    assert pin.contains(Version("15.0"))


def test_the_installed_websockets_is_what_a_fresh_install_of_the_pin_gives() -> None:
    installed = Version(version("websockets"))

    assert project_requirement("websockets").specifier.contains(installed)
    assert installed >= Version("15")


def test_the_sdk_itself_does_not_cap_websockets_so_a_fresh_install_gets_the_newest() -> None:
    [sdk_pin] = [Requirement(r) for r in requires("x10-python-trading-starknet") or () if r.startswith("websockets")]

    assert sdk_pin.specifier.contains(Version("17.0"))


def test_the_adapter_never_loads_the_sdks_stream_clients() -> None:
    probe = (
        "import sys, mm.adapters.extended as extended;"
        "import mm.adapters.extended.resilient_stream;"
        "print(sorted(m for m in sys.modules if m.startswith(('x10.clients.stream', 'x10.clients.streamrpc'))))"
    )

    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout

    assert loaded.strip() == "[]"
