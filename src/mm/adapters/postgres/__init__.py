"""Postgres adapters: the schema (`tables`) and one repository module per port."""
