from __future__ import annotations

import pytest
from pydantic import SecretStr
from pydantic_ai.models.function import FunctionModel
from pydantic_ai.models.openai import OpenAIChatModel

from mm.adapters.llm.model_id import ModelConfigError, model_id_from_settings, normalize_model_id
from mm.adapters.llm.model_resolution import ProviderPackageMissing, resolve_model


@pytest.mark.parametrize(
    ("model", "openai_model", "expected"),
    [
        ("openai:gpt-4o-mini", None, "openai:gpt-4o-mini"),
        ("openai/gpt-4o-mini", None, "openai:gpt-4o-mini"),
        ("openrouter:anthropic/claude-3.5-sonnet", None, "openrouter:anthropic/claude-3.5-sonnet"),
        (None, "gpt-4o-mini", "openai:gpt-4o-mini"),
        ("anthropic:claude-x", "gpt-4o-mini", "anthropic:claude-x"),
        (None, None, None),
        ("  ", "", None),
    ],
    ids=["colon", "router_slash", "router_model_name", "older_openai_model", "model_wins", "offline", "blank"],
)
def test_the_model_id_comes_from_model_or_else_openai_model(
    model: str | None, openai_model: str | None, expected: str | None
) -> None:
    assert model_id_from_settings(model, openai_model) == expected


@pytest.mark.parametrize("model", ["gpt-4o", ":gpt-4o", "openai:", "openai/"])
def test_a_model_without_provider_or_name_is_refused(model: str) -> None:
    with pytest.raises(ModelConfigError, match="MODEL"):
        normalize_model_id(model)


def test_no_model_id_means_the_offline_function_model() -> None:
    assert isinstance(resolve_model(None, api_key=None, base_url=None), FunctionModel)


def test_an_openai_model_uses_chat_completions_at_the_configured_base_url() -> None:
    model = resolve_model("openai:gpt-x", api_key=SecretStr("sk-1"), base_url="http://127.0.0.1:9/v1")
    assert isinstance(model, OpenAIChatModel)
    assert (model.model_name, model.base_url.rstrip("/")) == ("gpt-x", "http://127.0.0.1:9/v1")


def test_an_openai_model_without_key_or_base_url_is_refused_naming_the_key() -> None:
    with pytest.raises(ModelConfigError, match="OPENAI_API_KEY"):
        resolve_model("openai:gpt-x", api_key=None, base_url=None)


def test_an_unknown_provider_is_refused_naming_the_model() -> None:
    with pytest.raises(ModelConfigError, match="MODEL nosuchprovider:m"):
        resolve_model("nosuchprovider:m", api_key=None, base_url=None)


def test_a_provider_whose_extra_is_not_installed_is_refused_naming_the_extra() -> None:
    with pytest.raises(ProviderPackageMissing, match=r"pydantic-ai-slim\[anthropic\]"):
        resolve_model("anthropic:claude-x", api_key=None, base_url=None)
