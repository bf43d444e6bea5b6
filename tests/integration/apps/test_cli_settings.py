"""Apps validate their settings at start-up and never log a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

SECRETS = {
    "EXTENDED_API_KEY": "apikey-7f3c9d1e",
    "EXTENDED_STARK_PRIVATE_KEY": "0x5eedbeef1234abcd",
    "EXTENDED_STARK_PUBLIC_KEY": "0x77aa88bb99cc",
    "EXTENDED_VAULT_ID": "918273",
    "OPENAI_API_KEY": "sk-test-0a1b2c3d4e",
}


def _mm(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("EXTENDED_", "SYMBOL", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "mm.apps.cli", *args],
        env={**base, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_ingest_without_settings_exits_2_naming_the_missing_setting(tmp_path: Path) -> None:
    result = _mm(["ingest"], {"MM_HOME": str(tmp_path)}, tmp_path)
    assert result.returncode == 2
    assert "SYMBOL is missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_invalid_value_is_named_with_what_it_expects(tmp_path: Path) -> None:
    result = _mm(["ingest"], {"MM_HOME": str(tmp_path), "SYMBOL": "BTC-USD", "METRICS_PORT": "many"}, tmp_path)
    assert result.returncode == 2
    assert "METRICS_PORT is invalid" in result.stderr


def _with_password(url: str, password: str) -> str:
    scheme, rest = url.split("://", 1)
    userinfo, _, hostpart = rest.partition("@")
    user = userinfo.split(":", 1)[0]
    return f"{scheme}://{user}:{password}@{hostpart}"


def test_no_secret_value_appears_in_any_log_line(tmp_path: Path, database_url: str) -> None:
    """The database URL carries a password (trust auth ignores it): it must be masked too."""
    url = _with_password(database_url, "dbpassword-55aa")
    env = {**SECRETS, "MM_HOME": str(tmp_path), "DATABASE_URL": url, "LOG_LEVEL": "DEBUG"}
    result = _mm(["db", "status"], env, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "settings_loaded" in output
    for value in [*SECRETS.values(), "dbpassword-55aa"]:
        assert value not in output
