"""Model ids in pydantic-ai's `provider:model` form, from the reflector's settings. Imports no model code.

`MODEL` is `provider:model` (e.g. `openai:gpt-4o-mini`); the router form `provider/model` means
the same. The older `OPENAI_MODEL=<name>` means `openai:<name>`. No model at all means the
offline rule-based model (None here).
"""

from __future__ import annotations


class ModelConfigError(ValueError):
    """The model settings cannot be turned into a model; the message names the setting."""


def model_id_from_settings(model: str | None, openai_model: str | None) -> str | None:
    """The `provider:model` id to use, or None for the offline model."""
    if model is not None and model.strip():
        return normalize_model_id(model.strip())
    if openai_model is not None and openai_model.strip():
        return f"openai:{openai_model.strip()}"
    return None


def normalize_model_id(model: str) -> str:
    """Accept `provider:model` or the router form `provider/model`; raise `ModelConfigError` otherwise."""
    if ":" in model:
        provider, _, name = model.partition(":")
    elif "/" in model:
        provider, _, name = model.partition("/")
    else:
        raise ModelConfigError(f"MODEL={model!r} names no provider: use provider:model, e.g. openai:gpt-4o-mini")
    if not provider or not name:
        raise ModelConfigError(f"MODEL={model!r} needs both a provider and a model name")
    return f"{provider}:{name}"
