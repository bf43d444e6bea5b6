"""Adapters: the technologies behind the ports (Extended, Postgres, files, LLM, simulation, memory)."""
