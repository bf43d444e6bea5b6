"""Repositories over the summarizer's tables, one per port: `fills_enriched` (`FillEnrichmentStore`),
`agg_1m` and `agg_1h` (`BucketSummaryStore`), and the as-of mids of `md_bbo` (`MarketMidSource`)."""
