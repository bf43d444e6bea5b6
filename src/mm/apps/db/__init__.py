"""`mm db`: migrate, inspect and maintain the database."""
