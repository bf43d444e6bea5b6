"""File adapters: recorded market-data files and reflector reasoning files."""
