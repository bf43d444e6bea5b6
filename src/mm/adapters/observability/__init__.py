"""Logging and metrics: structlog with secret redaction, Prometheus instruments."""
