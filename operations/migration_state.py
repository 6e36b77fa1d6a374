"""Which of the code's migrations a database has not applied: for /health/ and restore checks."""

from functools import cache

from django.db.migrations.loader import MigrationLoader


@cache
def _code_migrations() -> dict[tuple[str, str], frozenset[tuple[str, str]]]:
    """Each migration in the code, with the ones it replaces (read once: code does not change)."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return {key: frozenset(migration.replaces) for key, migration in graph.nodes.items()}


def missing_migrations(connection) -> list[str]:
    """Migrations not applied to this database (a squash counts when all it replaces are)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = set(cursor.fetchall())
    return sorted(
        f"{app}.{name}"
        for (app, name), replaces in _code_migrations().items()
        if (app, name) not in applied and not (replaces and applied.issuperset(replaces))
    )
