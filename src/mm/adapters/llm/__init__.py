"""LLM adapters: the pydantic-ai parameter advisor, its output schema, model resolution, the offline model."""
