"""`mm ingest`: record Extended public market data into Postgres."""
