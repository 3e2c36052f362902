"""Settings for Rakuten Link.

Every environment differs only through environment variables (or an optional `.env` file beside
`manage.py`); `.env.example` lists them all.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.keys import field_encryption_key
from config.placeholders import refuse_placeholder_secret_key, refuse_unusable_fernet_keys

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("RAKUTEN_LINK_VAR_DIR", BASE_DIR / "var"))

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-insecure-secret-key-do-not-use-in-production"
if not DEBUG:
    refuse_placeholder_secret_key(SECRET_KEY)  # e.g. .env.example's change-me: config/placeholders.py
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])


# --- HTTPS ----------------------------------------------------------------------------------------
# Production runs behind a TLS proxy. Secure cookies and HSTS are on unless DEBUG: HSTS is only sent on
# HTTPS responses, so a plain-HTTP run never gets it, while secure cookies make a plain-HTTP login fail
# (set both to False for such a trial run). The redirect to HTTPS stays off by default: without HTTPS
# behind it there is no way in, and behind a proxy that is not trusted through SECURE_PROXY_SSL_HEADER
# it loops; the proxy usually redirects port 80 itself.
def _proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """The (META name, value) pair from HTTP_X_FORWARDED_PROTO or X-Forwarded-Proto, optionally ",https"."""
    if not value.strip():
        return None
    name, _sep, expected = value.partition(",")
    name = name.strip().upper().replace("-", "_")
    return (name if name.startswith("HTTP_") else f"HTTP_{name}", expected.strip() or "https")


SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(env.str("SECURE_PROXY_SSL_HEADER", default=""))
# Proxies in front that append to X-Forwarded-For; the login throttle counts per client address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "encrypted_model_fields",
    "django_q",
    "config.logins.LoginAttemptsConfig",  # django-axes
    "inventory",
    "accounts",
    "orders",
    "rakuten_link",
    "ninja",  # serves the API docs page's assets from our static files, not from a CDN
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.JapaneseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into its page
]

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
            ],
        },
    },
]


# --- Database -------------------------------------------------------------------------------------
# SQLite is the embedded default. WAL lets readers work while one writer writes; IMMEDIATE
# transactions take the write lock up front, so the web process and the Django-Q2 workers queue on
# the busy timeout instead of failing with "database is locked" when a read turns into a write.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(VAR_DIR / "test.sqlite3")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]


# --- Login throttling (django-axes) ---------------------------------------------------------------
# After AXES_FAILURE_LIMIT wrong passwords in a row for one username from one address, that pair is
# refused (HTTP 429) until the cool-off has passed since the last try. Locking the pair, not the
# username or the address alone, keeps a guesser from locking every staff member out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
_cool_off_minutes = env.float("AXES_COOLOFF_MINUTES", default=15)
# 0 means locked until a staff member deletes the attempt in the admin (axes reads None so).
AXES_COOLOFF_TIME = timedelta(minutes=_cool_off_minutes) if _cool_off_minutes > 0 else None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.logins.client_ip"
AXES_LOCKOUT_CALLABLE = "config.logins.lockout_response"
AXES_VERBOSE = False


# --- Secrets at rest ------------------------------------------------------------------------------
FIELD_ENCRYPTION_KEY = field_encryption_key(env.str("FIELD_ENCRYPTION_KEY", default=""), debug=DEBUG, var_dir=VAR_DIR)
if not DEBUG:
    refuse_unusable_fernet_keys(FIELD_ENCRYPTION_KEY)


# --- Language and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"


# --- E-mail ---------------------------------------------------------------------------------------
# Staff alerts use the project's mail settings; buyer messages go through Rakuten's relay.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="rakuten-link@localhost")
RAKUTEN_SMTP_HOST = env.str("RAKUTEN_SMTP_HOST", default="sub.fw.rakuten.ne.jp")
RAKUTEN_SMTP_PORT = env.int("RAKUTEN_SMTP_PORT", default=587)
RAKUTEN_SMTP_STARTTLS = env.bool("RAKUTEN_SMTP_STARTTLS", default=True)  # off only for a local test relay
# A new order older than this when first fetched (a backfill) gets no order-received message.
RAKUTEN_MESSAGE_MAX_AGE_HOURS = env.int("RAKUTEN_MESSAGE_MAX_AGE_HOURS", default=24)


# --- RMS ------------------------------------------------------------------------------------------
RMS_API_BASE_URL = env.str("RMS_API_BASE_URL", default="https://api.rms.rakuten.co.jp")
RMS_CONNECT_TIMEOUT = env.float("RMS_CONNECT_TIMEOUT", default=5.0)
RMS_READ_TIMEOUT = env.float("RMS_READ_TIMEOUT", default=30.0)
RMS_MAX_RETRIES = env.int("RMS_MAX_RETRIES", default=4)
RMS_BACKOFF_BASE = env.float("RMS_BACKOFF_BASE", default=0.5)
RMS_BACKOFF_MAX = env.float("RMS_BACKOFF_MAX", default=8.0)
# Requests per second per API family, from docs/rms.md §1.5; set 0 to disable a limiter.
RMS_RATE_LIMITS = {
    "order": env.float("RMS_RATE_ORDER", default=1.0),
    "inventory_write": env.float("RMS_RATE_INVENTORY_WRITE", default=1.0),
    "inventory_read": env.float("RMS_RATE_INVENTORY_READ", default=5.0),
    "items": env.float("RMS_RATE_ITEMS", default=5.0),
    "license": env.float("RMS_RATE_LICENSE", default=1.0),
}
# The account check on save must never hang the admin.
RMS_CHECK_TIMEOUT = env.float("RMS_CHECK_TIMEOUT", default=10.0)
RAKUTEN_INITIAL_FETCH_DAYS = env.int("RAKUTEN_INITIAL_FETCH_DAYS", default=7)
RAKUTEN_ORDER_OVERLAP_MINUTES = env.int("RAKUTEN_ORDER_OVERLAP_MINUTES", default=15)
# `rakuten_sync orders --sweep` (hourly): orders that became visible in RMS late, up to this far back.
RAKUTEN_ORDER_SWEEP_HOURS = env.int("RAKUTEN_ORDER_SWEEP_HOURS", default=72)
# Accounts with the fast order fetch on: `manage.py rakuten_poll` runs their order fetch this often (min 10 s).
RAKUTEN_ORDER_POLL_SECONDS = env.int("RAKUTEN_ORDER_POLL_SECONDS", default=60)
if RAKUTEN_ORDER_POLL_SECONDS < 10:
    raise ImproperlyConfigured(
        f"RAKUTEN_ORDER_POLL_SECONDS is {RAKUTEN_ORDER_POLL_SECONDS}; it must be at least 10 (seconds): a shorter "
        "poll would spend RMS's order-API allowance on empty searches."
    )
# Shipment reports: above this many orders waiting, updateOrderShippingAsync (100 per call); 0 = always one by one.
RAKUTEN_SHIPPING_ASYNC_MIN = env.int("RAKUTEN_SHIPPING_ASYNC_MIN", default=20)
# A batch whose answer or results did not come is read back with getOrder this many minutes after its submit.
RAKUTEN_SHIPPING_READBACK_MINUTES = env.int("RAKUTEN_SHIPPING_READBACK_MINUTES", default=9)
if RAKUTEN_SHIPPING_READBACK_MINUTES < 1:
    raise ImproperlyConfigured(
        f"RAKUTEN_SHIPPING_READBACK_MINUTES is {RAKUTEN_SHIPPING_READBACK_MINUTES}; it must be at least 1 (minute): "
        "RMS needs a moment to apply a batch before it is read back."
    )
# Event-driven stock push (docs/architecture.md, Stock push claims): optional wait, least time between two pushes
# (blank: the inventory-write rate), how long a killed push blocks the account, rakuten_poll's look for due pushes.
RAKUTEN_PUSH_DEBOUNCE_SECONDS = env.float("RAKUTEN_PUSH_DEBOUNCE_SECONDS", default=0.0)
RAKUTEN_PUSH_PACING_SECONDS = env.float("RAKUTEN_PUSH_PACING_SECONDS", default=None)
RAKUTEN_PUSH_CLAIM_SECONDS = env.float("RAKUTEN_PUSH_CLAIM_SECONDS", default=3.0)
RAKUTEN_PUSH_POLL_SECONDS = env.float("RAKUTEN_PUSH_POLL_SECONDS", default=0.1)
# How long before its paced start a push may be claimed and queued, so the queue's delay overlaps the pacing
# (blank: the poll tick plus, on the ORM broker, its poll); the task waits out what is left of it, never more.
RAKUTEN_PUSH_CLAIM_LEAD_SECONDS = env.float("RAKUTEN_PUSH_CLAIM_LEAD_SECONDS", default=None)
# Listing pre-flight: words every account refuses besides its own 出品禁止ワード (comma-separated).
RAKUTEN_PROHIBITED_WORDS = env.list("RAKUTEN_PROHIBITED_WORDS", default=[])
RAKUTEN_LOG_RETENTION_DAYS = env.int("RAKUTEN_LOG_RETENTION_DAYS", default=30)
# Delivery slips for more orders than this, and order exports of more lines than this, are made by a worker
# (the qcluster) with a progress page, instead of inside the web request.
RAKUTEN_SLIP_JOB_THRESHOLD = env.int("RAKUTEN_SLIP_JOB_THRESHOLD", default=50)
RAKUTEN_EXPORT_JOB_THRESHOLD = env.int("RAKUTEN_EXPORT_JOB_THRESHOLD", default=5000)
# CSV uploads (stock counts, SKUs, mappings, tracking numbers) larger than this are checked and written by a
# worker with a progress page. 32 KiB keeps the slowest page (tracking numbers: ~6 ms a parcel) near 3 s.
RAKUTEN_UPLOAD_JOB_THRESHOLD_BYTES = env.int("RAKUTEN_UPLOAD_JOB_THRESHOLD_BYTES", default=32 * 1024)
# A job lease expires this long after its last heartbeat (renewed every third of it while the job runs).
RAKUTEN_LEASE_SECONDS = env.int("RAKUTEN_LEASE_SECONDS", default=30)
# The admin's address as staff reach it: alert mails link to pages under it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")


# --- Integration API (/api/v1/, docs/api.md) ------------------------------------------------------
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=600)  # per token; a token may set its own
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=2 * 1024 * 1024)  # 1,000 movements fit in ~200 kB
API_ORDERS_SETTLE_SECONDS = env.int("API_ORDERS_SETTLE_SECONDS", default=5)  # see api/feed.py
API_WEBHOOK_RETRY_HOURS = env.int("API_WEBHOOK_RETRY_HOURS", default=24)  # then a delivery is given up
API_WEBHOOKS_ALLOW_PRIVATE = env.bool("API_WEBHOOKS_ALLOW_PRIVATE", default=False)  # receivers on our network


# --- Django-Q2 ------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
Q_CLUSTER = {
    "name": "rakuten_link",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 240,
    "retry": 300,
    "max_attempts": 3,
    "catch_up": False,
    "save_limit": 1000,
    "ack_failures": True,
    "poll": 0.2,  # ORM broker: how often the queue is read; a stock push waits at most this long to start
    "sync": env.bool("Q_SYNC", default=False),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}


# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # axes: failed logins and lockouts are WARNING; its INFO lines repeat them for every attempt.
    # WeasyPrint (and fontTools under it) log several INFO lines per delivery-slip page.
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"},
                "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
