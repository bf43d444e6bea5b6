"""The ingestor's COPY pipeline into md_*: queue, batches, binary encoding, spool, ledger."""
