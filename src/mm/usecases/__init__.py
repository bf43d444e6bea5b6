"""Use cases: the loops and workflows that await ports. They see mm.domain and mm.ports only."""
