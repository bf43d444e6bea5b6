"""In-memory adapters: the fakes unit tests and notebooks use; they pass the same contract suites."""
