"""App shells: one dependency-injector container and one composition root per app, plus the `mm` CLI."""
