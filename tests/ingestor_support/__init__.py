"""Helpers shared by the ingestor's unit, contract and integration tests."""
