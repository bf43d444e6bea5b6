"""The notebook's container: settings from its arguments only."""

from __future__ import annotations

from pathlib import Path

import pytest

from mm.apps.backtest.notebook import notebook_container


def test_the_environment_and_a_dotenv_file_do_not_reach_a_notebook_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("MAX_ORDER_REQUESTS_PER_MIN=7\n")
    monkeypatch.setenv("MAX_ORDER_REQUESTS_PER_S", "3")

    config = notebook_container(None).engine_config()

    assert (config.max_requests_per_second, config.max_requests_per_minute) == (10, 500)


def test_the_database_url_given_is_the_one_the_container_opens() -> None:
    settings = notebook_container("postgresql://u@127.0.0.1:9/x").settings()

    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == "postgresql://u@127.0.0.1:9/x"
