"""`mm dashboard` refuses to listen beyond loopback without a token, before it opens any database."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.integration.apps.app_process import app_env, run_mm

pytestmark = pytest.mark.integration


def test_another_host_without_a_token_exits_2_naming_the_setting(tmp_path: Path) -> None:
    finished = run_mm(["dashboard", "--host", "0.0.0.0"], app_env(tmp_path), tmp_path)
    assert finished.returncode == 2
    assert any("DASHBOARD_TOKEN" in line for line in finished.plain_lines)


def test_a_token_is_never_printed(tmp_path: Path) -> None:
    token = "never-print-this-token-1234"
    env = app_env(tmp_path, DASHBOARD_TOKEN=token, DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    finished = run_mm(["dashboard", "--host", "0.0.0.0", "--port", "0"], env, tmp_path)
    assert finished.returncode == 3  # no database there
    assert token not in finished.output


def test_a_busy_port_exits_3_with_one_plain_line(tmp_path: Path, database_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = app_env(tmp_path, DATABASE_URL=database_url)
        finished = run_mm(["dashboard", "--port", str(port)], env, tmp_path)
    assert finished.returncode == 3
    assert [line for line in finished.plain_lines if "cannot listen" in line]
    assert "Traceback" not in finished.output
