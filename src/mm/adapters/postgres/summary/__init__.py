"""Repositories over the summarizer's tables: fills_enriched, agg_1m, agg_1h."""
