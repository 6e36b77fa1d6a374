"""Django's PostgreSQL backend with the app's connection-pool check (see base.py)."""
