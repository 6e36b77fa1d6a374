"""Logging filters that keep patient identifiers out of the logs.

Search terms (`?q=Haddad`) arrive in query strings, and database errors quote the values that
broke a constraint (`Key (mrn)=(MRN-1234) already exists`). Every record passes these filters
on its way to a handler (config/settings.py LOGGING).
"""

import logging
import re

from django.db import Error as DatabaseError

# A path followed by a query string, as in a request line: keep the path, drop the rest.
_QUERY_STRING = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")


def _without_query(value):
    return _QUERY_STRING.sub(r"\1", value) if isinstance(value, str) else value


class DropQueryStrings(logging.Filter):
    """Log request paths without their query strings (runserver's request lines, 404s)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _without_query(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_without_query(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _without_query(value) for key, value in record.args.items()}
        return True


class WithholdDatabaseErrorDetail(logging.Filter):
    """Log a database error's type and traceback, never its message (it quotes row values)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.exc_info or record.exc_info[1] is None:
            return True
        error_type, error, traceback = record.exc_info
        chain = []
        while error is not None:
            chain.append(error)
            error = error.__cause__ or error.__context__
        if any(isinstance(link, DatabaseError) or _is_driver_error(link) for link in chain):
            withheld = error_type("details withheld from the log: they may quote patient data")
            withheld.__traceback__ = traceback
            withheld.__suppress_context__ = True
            record.exc_info = (error_type, withheld, traceback)
            record.exc_text = None
        return True


def _is_driver_error(error: BaseException) -> bool:
    # psycopg's and sqlite3's own errors, which Django wraps and chains.
    return type(error).__module__.split(".")[0] in {"psycopg", "psycopg2", "sqlite3"}
