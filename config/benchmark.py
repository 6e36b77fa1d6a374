"""Benchmark-only views and timing header, on only when UPRIGHT_BENCHMARK is set.

`make bench-scale` compares every page with these "hello" views in the same run: the signed-in
one passes through the same middleware as a real page (session, authentication, CSRF, CSP), so
the ratio between them is the cost of the page itself. The middleware reports each response's
server time and query count in headers the benchmark reads. Settings refuse UPRIGHT_BENCHMARK
unless the app answers only to loopback host names, so none of this can reach production.
"""

import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpResponse


def _benchmark_only():
    if not settings.UPRIGHT_BENCHMARK:
        raise Http404("Not found.")


def hello(request):
    """The smallest signed-in page: what every request costs before a view does any work."""
    _benchmark_only()
    return HttpResponse("hello", content_type="text/plain")


@login_not_required
def hello_anonymous(request):
    """The same without a session: what signing in adds to every request."""
    _benchmark_only()
    return HttpResponse("hello", content_type="text/plain")


def server_timing(get_response):
    """Add `Server-Timing: app;dur=<ms>` and `X-Query-Count` to every response."""

    def middleware(request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        response["X-Query-Count"] = str(queries)
        return response

    return middleware
