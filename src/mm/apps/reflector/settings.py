"""Settings of `mm reflect`: which markets, which model, how often, and how patient with the model."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator, model_validator

from mm.adapters.llm.model_id import ModelConfigError, model_id_from_settings, normalize_model_id
from mm.apps.settings import CommonSettings, MarketsSettings
from mm.domain.reflection_evidence import EvidencePolicy
from mm.domain.reflection_schedule import LONGEST_MARKOUT_HORIZON_MS, ReflectionSchedule


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
        3_600_000,
        alias="RUN_INTERVAL_MS",
        ge=1_000,
        description="with --loop, the longest wait between runs; runs are also due at each window end plus the settle delay",
    )
    reflection_window_s: int = Field(
        3_600,
        alias="REFLECTION_WINDOW_S",
        ge=60,
        le=86_400,
        multiple_of=60,
        description="length of a reflection window in seconds, whole minutes; windows are aligned to the clock",
    )
    reflection_settle_s: int = Field(
        300,
        alias="REFLECTION_SETTLE_S",
        ge=LONGEST_MARKOUT_HORIZON_MS // 1000,
        le=86_400,
        description=(
            "seconds after a window's end before it is closed: the longest markout horizon (60 s) plus the "
            "summarizer's lag (its SUMMARIZE_INTERVAL_S and run time)"
        ),
    )
    reflection_catch_up: int = Field(
        3, alias="REFLECTION_CATCH_UP", ge=1, le=168, description="closed windows a run looks back on at most"
    )
    reflection_min_fills: int = Field(
        30, alias="REFLECTION_MIN_FILLS", ge=1, description="fewer fills in a window: too little evidence"
    )
    reflection_min_quoting_s: float = Field(
        600.0, alias="REFLECTION_MIN_QUOTING_S", ge=0, description="less quoting in a window: too little evidence"
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
    def schedule(self) -> ReflectionSchedule:
        return ReflectionSchedule(
            window_ms=self.reflection_window_s * 1000,
            settle_ms=self.reflection_settle_s * 1000,
            catch_up=self.reflection_catch_up,
        )

    @property
    def evidence(self) -> EvidencePolicy:
        return EvidencePolicy(min_fills=self.reflection_min_fills, min_quoting_s=self.reflection_min_quoting_s)

    @property
    def model_id(self) -> str | None:
        """The `provider:model` to use, or None for the offline rule-based model."""
        return model_id_from_settings(self.model, self.openai_model)
