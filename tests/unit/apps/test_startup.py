from __future__ import annotations

from mm.apps.database import SchemaNotAtHead
from mm.apps.startup import EXIT_COULD_NOT_START, startup_failure
from mm.ports.errors import (
    AdvisorError,
    AuthFailed,
    ConfigError,
    ExchangeUnavailable,
    MmError,
    StaleMarketData,
    StoreUnavailable,
)


def test_an_unreachable_database_names_the_setting_to_check() -> None:
    failure = startup_failure(StoreUnavailable("database 127.0.0.1:1/mm: connection refused"))
    assert (failure.category, "DATABASE_URL" in (failure.remedy or "")) == ("database_unavailable", True)


def test_a_schema_behind_head_is_a_database_failure_whose_message_says_what_to_run() -> None:
    failure = startup_failure(SchemaNotAtHead("database schema is at None, not 0001: run `mm db upgrade` first"))
    assert (failure.category, failure.remedy) == ("database", None)


def test_a_refused_api_key_is_an_auth_failure_pointing_at_the_key() -> None:
    failure = startup_failure(AuthFailed("open_orders: HTTP 401 code 401: Unauthorized"))
    assert (failure.category, "EXTENDED_API_KEY" in (failure.remedy or "")) == ("exchange_auth", True)


def test_an_unreachable_venue_is_an_exchange_failure() -> None:
    assert startup_failure(ExchangeUnavailable("markets: timeout")).category == "exchange_unavailable"


def test_a_missing_model_provider_package_is_an_llm_failure() -> None:
    assert startup_failure(AdvisorError("MODEL x:y needs pydantic-ai-slim[x]")).category == "llm"


def test_any_other_typed_error_is_a_generic_startup_failure() -> None:
    assert startup_failure(StaleMarketData("no book yet")).category == "startup"


def test_a_multi_line_driver_message_becomes_one_line() -> None:
    failure = startup_failure(StoreUnavailable("connection refused\n\tIs the server running?"))
    assert failure.message == "connection refused Is the server running?"


def test_an_empty_message_falls_back_to_the_error_type() -> None:
    assert startup_failure(MmError()).message == "MmError"


def test_the_line_names_the_app_the_category_the_error_and_the_remedy() -> None:
    line = startup_failure(StoreUnavailable("database h:1/mm: refused")).line("summarize")
    assert line.startswith("mm summarize could not start (database_unavailable): database h:1/mm: refused; check ")


def test_start_up_failures_exit_3() -> None:
    assert startup_failure(AuthFailed("refused")).exit_code == EXIT_COULD_NOT_START


def test_a_config_error_is_reported_as_bad_settings_and_exits_2() -> None:
    failure = startup_failure(ConfigError("DATABASE_URL is invalid"))
    assert (failure.line("db"), failure.exit_code) == ("bad settings: DATABASE_URL is invalid", 2)
