"""Settings of `mm reflect`: which markets, which model, how often, and how patient with the model."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator, model_validator

from mm.adapters.llm.model_id import ModelConfigError, model_id_from_settings, normalize_model_id
from mm.apps.settings import CommonSettings, MarketsSettings


class ReflectorSettings(CommonSettings, MarketsSettings):
    """No exchange credentials: the reflector reads the database and writes proposals, never trades."""

    model: str | None = Field(
        None,
        alias="MODEL",
        description="pydantic-ai provider:model (or provider/model), e.g. openai:gpt-4o-mini; unset: offline rules",
    )
    openai_model: str | None = Field(
        None, alias="OPENAI_MODEL", description="older form of MODEL: an OpenAI model name"
    )
    openai_api_key: SecretStr | None = Field(None, alias="OPENAI_API_KEY", description="key for MODEL openai:*")
    openai_base_url: str | None = Field(
        None, alias="OPENAI_BASE_URL", description="an OpenAI-compatible API base URL, e.g. http://127.0.0.1:8000/v1"
    )
    run_interval_ms: int = Field(
        3_600_000, alias="RUN_INTERVAL_MS", ge=1_000, description="ms between runs with --loop (default one hour)"
    )
    llm_request_timeout_s: float = Field(
        60.0, alias="LLM_REQUEST_TIMEOUT_S", gt=0, le=600, description="seconds one model request may take"
    )
    llm_transport_retries: int = Field(
        2, alias="LLM_TRANSPORT_RETRIES", ge=0, le=5, description="retries of a failed HTTP request to the model"
    )
    llm_output_retries: int = Field(
        2, alias="LLM_OUTPUT_RETRIES", ge=0, le=5, description="times an answer outside the rules is sent back"
    )
    worst_fills_limit: int = Field(
        10, alias="WORST_FILLS_LIMIT", ge=1, le=100, description="worst fills shown to the model"
    )

    @field_validator("model")
    @classmethod
    def _model_form(cls, value: str | None) -> str | None:
        if value is not None and value.strip():
            try:
                normalize_model_id(value.strip())
            except ModelConfigError as error:
                raise ValueError(str(error)) from None
        return value

    @field_validator("openai_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @model_validator(mode="after")
    def _openai_needs_a_key(self) -> ReflectorSettings:
        model_id = self.model_id
        is_openai = model_id is not None and model_id.startswith(("openai:", "openai-chat:"))
        if is_openai and self.openai_api_key is None and self.openai_base_url is None:
            raise ValueError(f"OPENAI_API_KEY is missing: MODEL {model_id} needs it (or OPENAI_BASE_URL)")
        return self

    @property
    def model_id(self) -> str | None:
        """The `provider:model` to use, or None for the offline rule-based model."""
        return model_id_from_settings(self.model, self.openai_model)
