"""`mm demo`: the whole system on one machine against the fake venue: record, quote, fill, measure, learn."""
