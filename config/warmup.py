"""Work a web process would otherwise do on its first requests, done once when it starts.

Django builds some things on first use: it imports the URL map (and with it every view module)
and builds its reverse index on the first request, compiles each template the first time a page
renders it, and reads the static files' manifest the first time a page links a file. Measured at
100,000 patients, a new process's first request took 260-430 ms (the hello view 260 ms, the
worklist 430 ms) and its first few of each page kept paying for templates.

gunicorn's workers are replaced every 1,000 requests or so (`max_requests` in
deploy/gunicorn.conf.py). `config/wsgi.py` runs `warm_up()` when it is loaded: under the systemd
unit, which preloads, once in gunicorn's master, and every worker is forked from it warm; without
preloading, in each worker before it takes its first request. Either way every worker, the
replacements included, starts with the URL map built, every template compiled and the manifest
read: its first requests cost what later ones do, and no request waits for that work.

Nothing here touches the database, so that the module stays safe to load in a process that forks
afterwards (gunicorn's master with `preload_app`, or a test): a connection or a pool (whose
background threads a fork does not copy) opened before a fork would be shared by every child.
`tests/test_warmup.py` checks both.
"""

from pathlib import Path

from django.contrib.staticfiles.storage import staticfiles_storage
from django.forms.renderers import get_default_renderer
from django.template import TemplateSyntaxError, engines
from django.template.backends.django import DjangoTemplates
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver


def warm_up() -> None:
    """Build the URL map, compile every template and read the static manifest."""
    resolver = get_resolver()
    resolver.url_patterns  # imports config/urls.py and every view module it names  # noqa: B018
    resolver.reverse_dict  # the reverse index, built for the default language  # noqa: B018
    for backend in engines.all():
        if isinstance(backend, DjangoTemplates):
            _compile_templates(backend, _template_dirs(backend))
    renderer = get_default_renderer()
    # Form widgets render through the form renderer's own engine: its widget templates.
    if isinstance(getattr(renderer, "engine", None), DjangoTemplates):
        _compile_templates(renderer.engine, renderer.engine.engine.dirs)
    # The manifest storage reads staticfiles.json when it is first used.
    staticfiles_storage.base_url  # noqa: B018


def _template_dirs(backend: DjangoTemplates) -> list:
    dirs = list(backend.engine.dirs)
    if backend.engine.app_dirs:
        dirs += get_app_template_dirs("templates")
    return dirs


def _compile_templates(backend: DjangoTemplates, dirs) -> None:
    """Load every template under `dirs` through the engine, so its cached loader keeps it.

    A template that does not compile is left alone: a page that uses it reports the error as
    it always would, and a process must not refuse to start over a template some installed
    package ships but no page renders. The project's own templates are checked by the test.
    """
    for directory in dirs:
        root = Path(directory)
        for path in sorted(root.rglob("*")):
            if path.is_file():
                try:
                    backend.get_template(path.relative_to(root).as_posix())
                except (TemplateSyntaxError, UnicodeDecodeError):
                    continue
