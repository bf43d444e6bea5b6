"""The summarizer's job: enrich fills with markouts and write the summary tables."""
