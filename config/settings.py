"""Upright settings: one file, read from environment variables (see README "Configuration")."""

import ipaddress
import os
import zoneinfo
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from accounts import roles

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no variable; refuse anything that is not clearly one or the other."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list, ignoring blanks around items."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """Read a positive integer."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None
    if value <= 0:
        raise ImproperlyConfigured(f"{name} must be greater than zero; got {raw!r}")
    return value


def env_url(name: str, default: str) -> str:
    """Read an absolute http(s) URL without a trailing slash, or nothing."""
    value = os.environ.get(name, default).strip().rstrip("/")
    if value and not value.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"{name} must start with https:// or http://; got {value!r}")
    return value


def env_networks(name: str, default: list[str]) -> list:
    """Read comma-separated IP addresses or networks (10.0.0.5, 10.0.0.0/24, ::1)."""
    networks = []
    for item in env_list(name, default):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list IP addresses or networks; got {item!r}"
            ) from None
    return networks


def env_time_zone(name: str, default: str) -> str:
    """Read an IANA time zone name and check that it exists."""
    value = os.environ.get(name, default).strip()
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(f"{name} is not a known time zone: {value!r}") from None
    return value


def env_mfa_roles(name: str) -> frozenset[str]:
    """Read the roles that need a second factor (any case); Clinician and Administrator always."""
    known = {role.lower(): role for role in roles.ROLE_PERMISSIONS}
    chosen = env_list(name, list(roles.ROLE_PERMISSIONS))
    unknown = [item for item in chosen if item.lower() not in known]
    if unknown:
        raise ImproperlyConfigured(
            f"{name} names unknown roles {unknown}; choose from {', '.join(known.values())}"
        )
    picked = frozenset(known[item.lower()] for item in chosen)
    if not picked >= roles.ADMIN_SITE_ROLES:
        raise ImproperlyConfigured(
            f"{name} must include {' and '.join(sorted(roles.ADMIN_SITE_ROLES))}: "
            "they open the admin, which always asks for a second factor"
        )
    return picked


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. "
            "Set it to a long random string (see README)."
        )
    SECRET_KEY = "insecure-development-key-only-for-DJANGO_DEBUG"  # noqa: S105 (debug only)

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Django's admin, on a site that also asks for a verified second factor.
    "accounts.admin_site.VerifiedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "formtools",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "corsheaders",
    "health_check",
    "accounts",
    "patients",
    "triage",
    "fhir",
    "cdshooks",
    "operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cross-origin headers only for the CDS Hooks endpoints (CORS_URLS_REGEX below).
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # request.user, read with the session in one query (accounts/sessions.py).
    "accounts.middleware.StaffAuthenticationMiddleware",
    # request.user.is_verified(): the session was verified by a second factor (django-otp;
    # removing a device ends its user's sessions).
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.session_limits.session_limits",
    # Until the second factor is given, every page but sign-out leads to it
    # (accounts/middleware.py).
    "accounts.middleware.second_factor_required",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "accounts.middleware.no_store_when_signed_in",
    "accounts.admin_input.AdminInputMiddleware",
    "operations.replica.ReplicaReadsMiddleware",
]

# Benchmark views and timing headers (config/benchmark.py, `make bench-scale`): loopback only.
UPRIGHT_BENCHMARK = env_bool("UPRIGHT_BENCHMARK", default=False)
if UPRIGHT_BENCHMARK:
    if set(ALLOWED_HOSTS) - {"127.0.0.1", "localhost", "[::1]"}:
        raise ImproperlyConfigured(
            "UPRIGHT_BENCHMARK is for benchmarks on this machine only: DJANGO_ALLOWED_HOSTS "
            "must list loopback names only (127.0.0.1, localhost, [::1])."
        )
    MIDDLEWARE.insert(0, "config.benchmark.server_timing")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.session_limits.session_clock",
                "accounts.lockout.lockout_page",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite keeps connections per thread; persistent connections buy nothing there.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Two nurses saving at once: a writer takes the lock when its transaction begins and the
    # other waits up to 5 s for it, instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA busy_timeout = 5000;"}
    )
else:
    # Server settings for every connection the app opens (libpq "options"): JIT compiling
    # costs more than it saves on the app's short queries (0.7 s of a 7 s page once).
    _server_settings = ["-c jit=off"]
    # Web requests only (config/wsgi.py sets UPRIGHT_WEB_PROCESS): a runaway query is cancelled
    # and answers an error page instead of tying up a worker; migrations and commands may run long.
    # No parallel plans either: a page's queries are small (a misestimate once gave a 967-row
    # queue a parallel plan), and the workers already share the cores. Nor Memoize: PostgreSQL
    # sizes its cache for the rows a join is estimated to meet, not the few a page's LIMIT takes
    # (a worklist join estimated at 31,859 follow-ups met 101), and setting it up cost more than
    # it saved in every query of the pages that had one (the worklist's statement at 100,000
    # patients 8.5 -> 5.3 ms; README, "Speed at clinic-network scale").
    if env_bool("UPRIGHT_WEB_PROCESS", default=False):
        _server_settings += [
            f"-c statement_timeout={env_int('DATABASE_STATEMENT_TIMEOUT_MS', 5000)}",
            "-c max_parallel_workers_per_gather=0",
            "-c enable_memoize=off",
        ]
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(_server_settings)
    if env_bool("DATABASE_POOL", default=True):
        # Django's psycopg pool: a worker borrows an open connection for each request, checked
        # before use, without a round trip unless the server has said something on it (Django's
        # backend with that check: config/postgresql/base.py).
        DATABASES["default"]["ENGINE"] = "config.postgresql"
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool refuses persistent connections
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
            "max_size": env_int("DATABASE_POOL_MAX_SIZE", 4),
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
            # While the server is down the pool retries in the background with a doubling delay
            # and no cap (psycopg_pool): after a 30 s outage its next try could be 30 s away, and
            # requests would keep failing once the server is back. Giving up after a few seconds
            # ends that wait: the next request that needs a connection makes the pool try again
            # at once.
            "reconnect_timeout": env_int("DATABASE_POOL_RECONNECT_TIMEOUT", 5),
        }
# A streaming read replica of the primary, for the pages listed in REPLICA_VIEWS
# (operations/replica.py); everything else reads and writes the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.config(
        env="DATABASE_REPLICA_URL",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
        test_options={"MIRROR": "default"},
    )
# pgbouncer in transaction mode hands each transaction to any server connection, so
# cursors that outlive a transaction (Django's .iterator() on PostgreSQL) must be off.
for _database in DATABASES.values():
    _database["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
        "DATABASE_DISABLE_SERVER_SIDE_CURSORS", False
    )
DATABASE_ROUTERS = ["operations.replica.ReplicaRouter"]
# Pages whose reads may be a few seconds behind: figures, reports and exports.
REPLICA_VIEWS = frozenset(
    {
        "triage:outcomes",
        "fhir:everything",
        "cdshooks:rule_feedback",
        "cdshooks:rule_feedback_csv",
    }
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reusing the user read with the session (accounts/backends.py).
    "accounts.backends.StaffBackend",
]
# At least 12 characters, not a common password, not like the user name; no upper limit
# (pass phrases of any length are welcome).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("UPRIGHT_PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Shared by every app server: a table in the database, never process memory or local files.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "upright_cache",
    }
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "triage:home"
LOGOUT_REDIRECT_URL = "login"

# Lock a user name out after repeated failures from the same address (django-axes). The
# address is the client's, read from X-Forwarded-For only when the connection comes from a proxy
# listed in DJANGO_TRUSTED_PROXIES (accounts/lockout.py): otherwise everyone behind the TLS
# proxy would share its address, and a stranger could lock a clinician out clinic-wide.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
AXES_USERNAME_CALLABLE = "accounts.lockout.username_tried"
UPRIGHT_TRUSTED_PROXY_NETWORKS = env_networks("DJANGO_TRUSTED_PROXIES", [])
UPRIGHT_LOCKOUT_CONTACT = os.environ.get(
    "UPRIGHT_LOCKOUT_CONTACT", "the clinic administrator"
).strip()
AXES_VERBOSE = False

# Multi-factor sign-in (django-otp, accounts/second_factor.py): an authenticator app's code, or
# a single-use recovery code, after the password. Staff (admin users) always need it.
UPRIGHT_MFA_ROLES = env_mfa_roles("UPRIGHT_MFA_ROLES")
# The name an authenticator app shows beside the code.
OTP_TOTP_ISSUER = "Upright"
# Wrong codes: each failure doubles the wait before the next try (1 s, 2 s, 4 s ... 0: off).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The device admin (superusers only) never shows a secret key.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sessions end after 30 minutes without activity and after 12 hours however busy
# (accounts/session_limits.py); a warning shows two minutes before. Intake drafts are saved on
# the server, and a step sent after the session ended is kept for its user.
UPRIGHT_SESSION_IDLE_SECONDS = env_int("DJANGO_SESSION_SECONDS", 30 * 60)
UPRIGHT_SESSION_ABSOLUTE_SECONDS = env_int("DJANGO_SESSION_MAX_SECONDS", 12 * 60 * 60)
UPRIGHT_SESSION_WARNING_SECONDS = env_int("DJANGO_SESSION_WARNING_SECONDS", 2 * 60)
# The cookie outlives the idle limit so a late request still says whose session ended.
# Database sessions whose row names the user: read with it in one query (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_AGE = UPRIGHT_SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_TLS_PROXY", False) else None
)
# HSTS: the TLS proxy sends it too (deploy/nginx); Django's copy covers other proxies.
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features Upright never uses are switched off for every page (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}

# A strict Content Security Policy: no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_time_zone("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# The FHIR API: canonical URLs of the Questionnaire, PlanDefinition and local code systems.
# A clinic that publishes them sets its own public address, e.g. https://upright.clinic.example/fhir.
UPRIGHT_FHIR_CANONICAL_BASE = os.environ.get(
    "UPRIGHT_FHIR_CANONICAL_BASE", "https://upright.invalid/fhir"
).rstrip("/")

# Backups (manage.py backup / restore_check): where the dumps go and how many are kept.
BACKUP_DIR = Path(os.environ.get("UPRIGHT_BACKUP_DIR", BASE_DIR / "backups"))
BACKUP_KEEP = env_int("UPRIGHT_BACKUP_KEEP", 14)
# Behind pgbouncer, dump and restore over a direct connection to PostgreSQL instead.
BACKUP_DATABASE_URL = os.environ.get("UPRIGHT_BACKUP_DATABASE_URL", "")
# /health/ answers at most this many requests a minute per client address, across all
# app servers (counted in the shared cache); the proxy limits each client first.
HEALTH_CHECKS_PER_MINUTE = env_int("UPRIGHT_HEALTH_CHECKS_PER_MINUTE", 60)

# The audit trail is read-only: no "revert" to a past version from the admin (accounts/audit.py).
SIMPLE_HISTORY_REVERT_DISABLED = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Patient identifiers never go to the logs: paths without query strings, database errors
# without their details (config/log_filters.py), and no SQL with its parameters.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "drop_query_strings": {"()": "config.log_filters.DropQueryStrings"},
        "withhold_database_error_detail": {"()": "config.log_filters.WithholdDatabaseErrorDetail"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["drop_query_strings", "withhold_database_error_detail"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own loggers go to our filtered handler, never to its unfiltered defaults.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}

# CDS Hooks (cdshooks/): the public address the EHR calls, from which each service's JWT
# audience (`{base}/cds-services/{id}`) and the cards' links are built. Empty: the address the
# request came in on (behind a proxy, set it).
CDS_HOOKS_BASE_URL = env_url("CDS_HOOKS_BASE_URL", "")
# Browser-based EHRs at these origins may call /cds-services; nothing else gets CORS headers.
CORS_ALLOWED_ORIGINS = env_list("CDS_HOOKS_CORS_ORIGINS", [])
CORS_URLS_REGEX = r"^/cds-services(/.*)?$"
CORS_ALLOW_METHODS = ["GET", "POST", "OPTIONS"]
CORS_ALLOW_HEADERS = ["authorization", "content-type"]
CORS_ALLOW_CREDENTIALS = False
# The clinic named on the patient's printed handout, with the number to call.
UPRIGHT_CLINIC_NAME = os.environ.get("UPRIGHT_CLINIC_NAME", "").strip() or "the clinic"
UPRIGHT_CLINIC_PHONE = os.environ.get("UPRIGHT_CLINIC_PHONE", "").strip()
