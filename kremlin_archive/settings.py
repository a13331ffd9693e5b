"""
Settings for the speech archive, driven by environment variables.

Without any variables the archive runs on the embedded defaults: SQLite and a local
search index under ``var/``. Production sets ``DATABASE_URL``, ``SECRET_KEY`` and
``ALLOWED_HOSTS``; with ``DEBUG`` off the security settings are strict by default.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}")


def envint(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}") from None


def envseconds(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number of seconds; got {value!r}") from None
    if not 0 < seconds < 3600:
        raise ImproperlyConfigured(f"{name} must be more than 0 and less than 3600 seconds; got {value!r}")
    return seconds


def envlist(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)

# `make` marks a checkout set up for a local run and keeps its secret key in var/: commands run there need
# nothing exported. Anywhere else the key comes from the environment, and production refuses to start without it.
LOCAL_RUN = (VAR_DIR / "local-run").is_file()
_LOCAL_KEY = VAR_DIR / "secret_key"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and (DEBUG or LOCAL_RUN) and _LOCAL_KEY.is_file():
    SECRET_KEY = _LOCAL_KEY.read_text().strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (a checkout set up by `make run` finds its own in var/)."
        )
    SECRET_KEY = "insecure-development-key"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    # The API: its OpenAPI document and documentation page, Swagger UI's files, and CORS on its answers. Django REST
    # framework itself needs no entry: its templates and static files serve a browsable API the archive does not offer.
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "reversion",
    "axes",
    "speeches",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that answers on its own, so that every answer of the API carries its CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    # Compresses pages rendered for this request; cached pages are kept and sent already compressed.
    "django.middleware.gzip.GZipMiddleware",
    # ETag on every page, and 304 to a browser whose copy is current.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "speeches.middleware.AdminStylesMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "speeches.middleware.ReadingSettingsMiddleware",
    # Last, as its documentation asks: it answers a locked-out login before any view runs.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

ROOT_URLCONF = "kremlin_archive.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "speeches.context_processors.reading_settings",
                "speeches.context_processors.site_search",
            ],
        },
    },
]

WSGI_APPLICATION = "kremlin_archive.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'archive.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# A database that does not answer must cost a reader seconds, not a hung page: connecting gives up after
# DB_CONNECT_TIMEOUT seconds, and a statement is stopped after DB_STATEMENT_TIMEOUT seconds (0: no limit, the
# default for management commands; the web server's configuration sets one).
DB_CONNECT_TIMEOUT = envint("DB_CONNECT_TIMEOUT", 3)
DB_STATEMENT_TIMEOUT = (
    None if os.environ.get("DB_STATEMENT_TIMEOUT", "0") in {"", "0"} else envseconds("DB_STATEMENT_TIMEOUT", None)
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = DB_CONNECT_TIMEOUT
    if DB_STATEMENT_TIMEOUT:
        DATABASES["default"]["OPTIONS"]["options"] = f"-c statement_timeout={round(DB_STATEMENT_TIMEOUT * 1000)}"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share one file: wait for the write lock instead of failing.
    # Write-ahead logging lets readers go on during a write; with it, synchronous=NORMAL is crash-safe and spares
    # an fsync per transaction, which is what bounds an import that commits once per speech.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Whole pages are cached until what they show changes (see speeches/page_cache.py). The pages themselves may be
# kept by each process; the change stamps must be shared by every process that serves or changes the archive:
# a directory under var/ on one machine, or Redis (CACHE_URL) for several servers.
PAGE_CACHE = envbool("PAGE_CACHE", True)
PAGE_CACHE_TIMEOUT = envint("PAGE_CACHE_TIMEOUT", 24 * 60 * 60)
# Clocks of the servers of one deployment agree far better than this many seconds.
PAGE_CACHE_CLOCK_MARGIN = float(os.environ.get("PAGE_CACHE_CLOCK_MARGIN", 1.0))
# Search results are cached briefly: a search can change with any speech, and its index is updated after commit.
SEARCH_CACHE_TIMEOUT = envint("SEARCH_CACHE_TIMEOUT", 60)


def cache_from_url(url, prefix):
    """A cache setting from redis://host:port/db (or rediss:// with TLS)."""
    if not url.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured(f"CACHE_URL must start with redis:// or rediss://; got {url!r}")
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": prefix}


CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": cache_from_url(CACHE_URL, "archive"),
        "pages": cache_from_url(CACHE_URL, "archive-pages"),
        "page-tags": cache_from_url(CACHE_URL, "archive-tags"),
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # Compressed pages, a few tens of kilobytes each: about 2,000 per process.
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": envint("PAGE_CACHE_ENTRIES", 2000)},
        },
        # One small file per tag; culling forgets stamps, which only makes the pages that use them render again.
        "page-tags": {
            "BACKEND": "speeches.page_cache.StampCache",
            "LOCATION": str(VAR_DIR / "page-tags"),
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

LANGUAGE_CODE = "en"
# The interface speaks the languages of the transcripts (see speeches.languages for how a page picks one).
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["kremlin_archive.formats"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
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

# Search: "whoosh" keeps a local index directory; "postgres" uses the shared database,
# for deployments where several app servers cannot share a directory.
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh")
if SEARCH_BACKEND not in {"whoosh", "postgres"}:
    raise ImproperlyConfigured(f"SEARCH_BACKEND must be 'whoosh' or 'postgres'; got {SEARCH_BACKEND!r}")
SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR", VAR_DIR / "search-index"))
# The longest one search may run; a search cut short shows what it found so far. Well under gunicorn's 30 s
# worker timeout, so a costly search never gets its worker killed.
SEARCH_TIME_BUDGET = envseconds("SEARCH_TIME_BUDGET", 5.0)

# Django's database sessions, refusing a malformed session cookie before it reaches a query.
SESSION_ENGINE = "speeches.sessions"

# HTTPS defaults to on whenever DEBUG is off, except in a checkout set up for a local run over plain HTTP.
HTTPS = envbool("HTTPS", not DEBUG and not LOCAL_RUN)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Health checks come over plain HTTP from inside the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Scripts and styles come only from the archive's own files: no inline script can run, whoever injects it.
# Images may be data: URLs (the favicon placeholder); nothing may frame the archive.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The archive uses none of the browser's powerful features; saying so keeps any embedded content from them.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# The admin login: after AXES_FAILURE_LIMIT wrong passwords for one username from one address, that pair is
# locked out for AXES_COOLOFF_MINUTES; a correct login clears the count. Attempts are kept in the database.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Behind a proxy the reader's address is the last one the proxy adds to X-Forwarded-For.
AXES_IPWARE_PROXY_COUNT = 1 if BEHIND_PROXY else None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if BEHIND_PROXY else ["REMOTE_ADDR"]

# HSTS preloading (security.W021) is left off on purpose: once a domain is on the browsers' preload list, every
# subdomain must serve HTTPS for months after leaving it. The owner of the domain decides that, not the archive;
# SECURE_HSTS_PRELOAD=1 turns it on.
SECURE_HSTS_PRELOAD = HTTPS and envbool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The read-only JSON API under /api/ (speeches/api/): JSON only, and no sign-in, since it shows only what is public.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "speeches.api.views.exception_handler",
    # ?format= would choose among renderers; there is one.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Speech archive API",
    "DESCRIPTION": (
        "The published addresses of the archive, their transcripts, speakers and venues, and full-text search, "
        "read-only. Filters and queries mean what they mean on the archive's pages. Every refusal answers "
        '{"errors": [...]}, each error naming the parameter at fault.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the archive's own static files: the Content-Security-Policy allows no other source.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "speeches.api.views.empty_filters_allowed",
    ],
    "ENUM_NAME_OVERRIDES": {
        "SpeechKind": "speeches.models.Speech.Kind",
        "ParagraphKind": "speeches.models.Paragraph.Kind",
        "Language": "speeches.models.Speech.Language",
    },
}
# Any site may read the API from a page: its answers are public and need no credentials. Elsewhere no CORS header.
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
