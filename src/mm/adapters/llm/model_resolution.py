"""Which pydantic-ai `Model` the reflector talks to, given a `provider:model` id (see `model_id`).

OpenAI models use the Chat Completions API with the key and base URL from the settings, because
every OpenAI-compatible server (vLLM, LiteLLM, Ollama, our loopback fake) speaks it, while
pydantic-ai's default for `openai:` is the Responses API only OpenAI itself serves. Other
providers are built by pydantic-ai itself and need their own extra installed and their own key
in the environment. No id means the offline rule-based model.
"""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_ai.exceptions import UserError
from pydantic_ai.models import Model, infer_model
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.openai import OpenAIProvider

from mm.adapters.llm.model_id import ModelConfigError
from mm.adapters.llm.offline_model import offline_model
from mm.ports.errors import AdvisorError

_OPENAI_PROVIDERS = frozenset({"openai", "openai-chat"})
# The OpenAI client insists on a key even for local servers that need none.
_NO_KEY = "not-needed"


class ProviderPackageMissing(AdvisorError):
    """`MODEL` names a provider whose pydantic-ai extra is not installed: the install is short, not the settings."""


def resolve_model(model_id: str | None, *, api_key: SecretStr | None, base_url: str | None) -> Model:
    """Build the model for `model_id` (None: offline).

    Raises `ModelConfigError` naming the bad setting, or `ProviderPackageMissing` naming the extra to install.
    """
    if model_id is None:
        return offline_model()
    provider, _, name = model_id.partition(":")
    if provider in _OPENAI_PROVIDERS:
        if api_key is None and base_url is None:
            raise ModelConfigError(f"OPENAI_API_KEY is missing: MODEL {model_id} needs it (or OPENAI_BASE_URL)")
        key = api_key.get_secret_value() if api_key is not None else _NO_KEY
        return OpenAIChatModel(name, provider=OpenAIProvider(base_url=base_url, api_key=key))
    try:
        return infer_model(model_id)
    except ImportError as error:
        raise ProviderPackageMissing(
            f"MODEL {model_id} needs pydantic-ai-slim[{provider}], which is not installed: "
            f"pip install 'pydantic-ai-slim[{provider}]', or choose another MODEL"
        ) from error
    except (UserError, ValueError) as error:
        raise ModelConfigError(f"MODEL {model_id} cannot be used: {error}") from error
