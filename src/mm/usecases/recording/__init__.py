"""The ingestor's recorder: market data from the feed into the sink."""
