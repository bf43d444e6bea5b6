from __future__ import annotations

from pydantic import SecretStr

from mm.adapters.observability.logging import REDACTED, SecretRedactor


def test_values_of_secret_looking_keys_are_masked() -> None:
    event = SecretRedactor()(None, "info", {"event": "x", "api_key": "abc123", "stark_private_key": "0x1"})
    assert event["api_key"] == REDACTED
    assert event["stark_private_key"] == REDACTED


def test_known_secret_values_are_masked_inside_any_string() -> None:
    event = SecretRedactor(["s3cr3t-value"])(None, "info", {"event": "sent header X-Api-Key: s3cr3t-value"})
    assert "s3cr3t-value" not in event["event"]


def test_secret_str_and_nested_values_are_masked() -> None:
    event = SecretRedactor(["hunter22"])(
        None, "info", {"event": "e", "settings": {"nested": [SecretStr("x"), "pw=hunter22"]}}
    )
    assert event["settings"] == {"nested": [REDACTED, f"pw={REDACTED}"]}


def test_an_unset_secret_shows_as_unset_not_masked() -> None:
    event = SecretRedactor()(None, "info", {"event": "settings_loaded", "settings": {"openai_api_key": None}})
    assert event["settings"] == {"openai_api_key": None}
