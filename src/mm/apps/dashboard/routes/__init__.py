"""The dashboard's routes: `pages` renders HTML, `api` the same content as JSON."""
