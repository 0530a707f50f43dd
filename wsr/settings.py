"""Settings for the WSR case-management system.

One file for every environment: each deployment value comes from the environment (see README's
configuration table), secrets also from ``<NAME>_FILE``. ``make run`` and ``make test`` export the
values for the embedded services; production sets them itself.
"""

from __future__ import annotations

import hashlib
import os
import zoneinfo
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dj_database_url
from celery.schedules import crontab
from cryptography.fernet import Fernet
from csp.constants import NONE, SELF
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from wsr.env import env_bool, env_choice, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("WSR_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# Without DEBUG a real secret is mandatory; with it, a fixed development key keeps sessions alive.
SECRET_KEY = env_str("SECRET_KEY") if not DEBUG else env_str("SECRET_KEY", "dev-only-insecure-key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
if not PUBLIC_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"PUBLIC_BASE_URL must start with http:// or https://, not {PUBLIC_BASE_URL!r}")
CSRF_TRUSTED_ORIGINS = [PUBLIC_BASE_URL]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_htmx",
    "csp",
    "pgtrigger",
    "pghistory",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "wsr.network",
    "wsr.outbox",
    "wsr.deadlines",
    "complaints",
    "audits",
    "buyers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "wsr.middleware.RejectNulCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records the user and URL of each write with the row history (see complaints/models/history.py).
    "pghistory.middleware.HistoryMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wsr.urls"
WSGI_APPLICATION = "wsr.wsgi.application"
AUTH_USER_MODEL = "network.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username+IP before any password is checked (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

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
                "django.template.context_processors.i18n",
                "wsr.network.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# PostgreSQL only: full-text search, SKIP LOCKED, partial indexes and triggers are part of the design.
_database_url = env_str("DATABASE_URL")
if not _database_url.startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or postgresql:// URL")
try:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
except (ValueError, dj_database_url.ParseError):
    raise ImproperlyConfigured(
        "DATABASE_URL is not a valid URL (quote special characters of the password with %XX)"
    ) from None
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Redis: cache, Celery broker --------------------------------------------------------------------
def _redis_url_with_db(url: str, db: int) -> str:
    """Point a redis:// or unix:// URL at database ``db``."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        query = dict(parse_qsl(parts.query))
        query["db"] = str(db)
        # Not urlunsplit: it writes "unix:/path" (no "//") for a scheme it does not know.
        return f"unix://{parts.path}?{urlencode(query)}"
    return urlunsplit(parts._replace(path=f"/{db}"))


REDIS_URL = env_str("REDIS_URL")
if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("REDIS_URL must be a redis://, rediss:// or unix:// URL")
try:
    _redis_parts = urlsplit(REDIS_URL)
    _redis_parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    _redis_db = dict(parse_qsl(_redis_parts.query)).get("db", "0") if _redis_parts.scheme == "unix" else None
    int(_redis_db or _redis_parts.path.strip("/") or "0")
except ValueError:
    raise ImproperlyConfigured("REDIS_URL is not valid: expected redis://host:port/db, port and db numbers") from None
# Parallel test workers (pytest-xdist) each get their own Redis database so that queues and cache
# keys of one worker never reach another; production uses the database named in the URL.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker.startswith("gw"):
    _parts = urlsplit(REDIS_URL)
    _base_db = int(
        dict(parse_qsl(_parts.query)).get("db", 0) if _parts.scheme == "unix" else (_parts.path.strip("/") or 0)
    )
    REDIS_URL = _redis_url_with_db(REDIS_URL, (_base_db + 1 + int(_xdist_worker[2:])) % 16)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "wsr",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

CELERY_BROKER_URL = "redis+socket://" + urlsplit(REDIS_URL).path if REDIS_URL.startswith("unix://") else REDIS_URL
if REDIS_URL.startswith("unix://") and "db=" in REDIS_URL:
    CELERY_BROKER_URL += "?virtual_host=" + dict(parse_qsl(urlsplit(REDIS_URL).query))["db"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
# The longest countdown of an automatic retry: every task's ``retry_backoff_max`` (Celery's default).
TASK_RETRY_BACKOFF_MAX = 600
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis hands a task that a worker took but never acknowledged (acks_late: a task is acknowledged
    # when it ends) to another worker after this long: how long the tasks of a worker that died wait.
    # A worker also holds a retry unacknowledged until its countdown ends, then it may wait for a free
    # process and run, so this must exceed the longest countdown plus two hard time limits, or Redis
    # would hand a task to a second worker while the first still has it (docs/reliability.md).
    "visibility_timeout": TASK_RETRY_BACKOFF_MAX + 2 * CELERY_TASK_TIME_LIMIT + 30,  # 810 s
    "socket_connect_timeout": 2,
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Tasks are published from the outbox table; the sweep (every OUTBOX_SWEEP_SECONDS) publishes any the
# after-commit nudge missed (Redis was down, the process died), and publishes again a task not done
# OUTBOX_LEASE_SECONDS after it was published (Redis lost it, its worker died), doubling up to an hour;
# after OUTBOX_GIVE_UP_HOURS it gives up. See wsr/outbox/services.py and docs/reliability.md.
OUTBOX_SWEEP_SECONDS = env_float("OUTBOX_SWEEP_SECONDS", 10.0)
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300)
OUTBOX_GIVE_UP_HOURS = env_int("OUTBOX_GIVE_UP_HOURS", 72)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Expires so a backlog of sweeps never queues up.
    "outbox-relay": {
        "task": "wsr.outbox.tasks.outbox_relay_task",
        "schedule": OUTBOX_SWEEP_SECONDS,
        "options": {"expires": 30},
    },
    "outbox-purge": {"task": "wsr.outbox.tasks.outbox_purge_task", "schedule": crontab(hour=3, minute=40)},
    # Supply relationships start and end on dates, not only on edits: recompute buyers' grants daily.
    "network-supplier-permissions-resync": {
        "task": "wsr.network.tasks.supplier_permissions_resync",
        "schedule": crontab(hour=2, minute=15),
    },
    # Deadlines of every app live in one ledger table; the scan escalates each passed one exactly once.
    "deadline-scan": {"task": "wsr.deadlines.tasks.deadline_scan_task", "schedule": 60.0, "options": {"expires": 50}},
    # SMS hotline: file quiet conversations, replay the spool.
    "sms-conversations-file-idle": {"task": "complaints.sms.tasks.sms_conversations_file_idle", "schedule": 60.0},
    "sms-spool-replay": {"task": "complaints.sms.tasks.sms_spool_replay", "schedule": 60.0, "options": {"expires": 50}},
}

# --- Internationalization -------------------------------------------------------------------------
# Django ships no locale data for Haitian Creole; the language switcher needs its names.
LANG_INFO.setdefault("ht", {"bidi": False, "code": "ht", "name": "Haitian Creole", "name_local": "Kreyòl ayisyen"})
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("ht", _("Haitian Creole")),
    ("bn", _("Bengali")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "UTC")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE must be an IANA time zone such as Europe/Paris, not {TIME_ZONE!r}") from None
# Daily schedules (the crontab hours of CELERY_BEAT_SCHEDULE) follow the deployment's time zone.
CELERY_TIMEZONE = TIME_ZONE
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "static"]
# Bootstrap ships in the bootstrap-wrapper package and htmx in django-htmx: nothing from a CDN.
STATICFILES_DIRS.append(("vendor/bootstrap", Path(__import__("bootstrap").__path__[0])))
STORAGES = {
    "default": {"BACKEND": env_str("FILE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Largest photo a worker may send from /report/ and /track/.
WEB_UPLOAD_MAX_BYTES = env_int("WEB_UPLOAD_MAX_BYTES", 8 * 1024 * 1024)
# Rates of the public intake pages per client ({"report": "10/h", ...}; complaints/web/throttle.py
# has the defaults); tests lower them.
WEB_INTAKE_RATES: dict[str, str] = {}
MEDIA_URL = "/media/"  # never served publicly; attachments are streamed by permission-checked views

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
# A form sent after its token expired gets the site's page in the visitor's language, not Django's.
CSRF_FAILURE_VIEW = "complaints.web.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # /healthz is probed over plain HTTP by load balancers and orchestrators inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    # Preloading is a promise browsers ship and cannot quickly undo, so it is the operator's choice
    # (SECURE_HSTS_PRELOAD=true); until then `check --deploy` need not remind us (security.W021).
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
    # The TLS-terminating proxy sets this header; Twilio signatures never rely on it (PUBLIC_BASE_URL).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-guardian: no anonymous user row; anonymous visitors have no object permissions at all.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

# --- Client addresses -----------------------------------------------------------------------------
# Reverse proxies in front of the web processes that append to X-Forwarded-For (one load balancer: 1).
# Every throttle (API token, web intake) and the sign-in lockout key on the address the outermost of
# them saw (wsr/client_address.py); 0 trusts no header at all. Too high a number lets clients choose
# their address; too low puts every client behind the proxy in one bucket.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"PROXY_COUNT must be 0 or more, not {PROXY_COUNT}")

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a missing or bad credential answer 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "wsr.api_permissions.SecondFactorVerified",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"token": "10/min"},
    # Any DRF throttle that does not ask wsr.client_address still reads X-Forwarded-For the same way.
    "NUM_PROXIES": PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "WSR case management API",
    "DESCRIPTION": (
        "Read and act on a Worker-driven Social Responsibility program's records. Every list is "
        "restricted to what the caller's role and organization may see; an object outside that view "
        "answers 404, exactly like a missing one."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Only the API's users read its description (README, "Where to look first"): the schema maps
    # every endpoint and field, which helps nobody who cannot call them.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated", "wsr.api_permissions.SecondFactorVerified"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status" or "kind"; name their enums after what they are.
    "ENUM_NAME_OVERRIDES": {
        "ComplaintStatusEnum": "complaints.choices.Status",
        "ProposalStatusEnum": "wsr.network.choices.ProposalStatus",
        "StandingEnum": "wsr.network.choices.Standing",
        "RemedyKindEnum": "complaints.choices.RemedyKind",
        "WorksiteKindEnum": "wsr.network.choices.WorksiteKind",
    },
}

# --- SMS (Twilio) ---------------------------------------------------------------------------------
SMS_BACKEND = env_choice("SMS_BACKEND", "console", ("twilio", "console", "memory"))
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM_NUMBER = env_str("TWILIO_FROM_NUMBER", "")
if SMS_BACKEND == "twilio":
    for _name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER"):
        if not globals()[_name]:
            raise ImproperlyConfigured(f"{_name} is required when SMS_BACKEND=twilio")
# The number workers text, shown on the front door and the error pages (a short code is fine too):
# TWILIO_FROM_NUMBER unless the public one differs (a messaging service, a short code). Empty: not shown.
PUBLIC_HOTLINE_NUMBER = env_str("PUBLIC_HOTLINE_NUMBER", TWILIO_FROM_NUMBER)
# Webhook requests received while the database is unreachable wait here (shared by web and worker).
SPOOL_DIR = Path(env_str("SPOOL_DIR", str(VAR_DIR / "spool")))
# A worker's SMS complaint is filed this long after her last message if she never texts SEND.
SMS_CONVERSATION_IDLE_MINUTES = env_int("SMS_CONVERSATION_IDLE_MINUTES", 10)
# An outbound SMS not sent this long after it was written is marked failed instead (old news).
SMS_OUTBOUND_GIVE_UP_HOURS = env_int("SMS_OUTBOUND_GIVE_UP_HOURS", 48)
# A send interrupted (its worker died) is looked up in Twilio's message list this long after it
# started, before anything is sent again: Twilio may still be creating it (complaints/sms/services.py).
SMS_RECONCILE_AFTER_SECONDS = env_int("SMS_RECONCILE_AFTER_SECONDS", 30)

# Encrypts complainant phone numbers and names at rest; comma-separated keys allow rotation
# (the first encrypts, all decrypt).
FIELD_ENCRYPTION_KEY = env_list("FIELD_ENCRYPTION_KEY", [])
if not FIELD_ENCRYPTION_KEY:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is required (generate one with `python -m wsr.devstack key`)")
for _key in FIELD_ENCRYPTION_KEY:
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be comma-separated Fernet keys (32 url-safe base64 bytes)"
        ) from None
# Phone numbers are found by a keyed hash. Its key must outlive encryption-key rotation, so by default
# it derives from the oldest (last) encryption key; set PHONE_HASH_KEY to decouple the two.
PHONE_HASH_KEY = env_str(
    "PHONE_HASH_KEY", hashlib.sha256(b"phone-hash:" + FIELD_ENCRYPTION_KEY[-1].encode()).hexdigest()
)
PHONE_DEFAULT_REGION = env_str("PHONE_DEFAULT_REGION", "US")

# --- Email ----------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds before a silent SMTP server fails the send (which is then retried); never unbounded.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "WSR monitor <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging --------------------------------------------------------------------------------------
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "INFO", _LOG_LEVELS)},
    "loggers": {
        # Request lines carry URLs and query strings; worker-facing URLs never contain identities,
        # but keep Django's request logger at WARNING so bodies never reach the log.
        "django.request": {"level": "WARNING"},
        # Twilio's client logs each request's URL and query at INFO: phone numbers (To=…) among them.
        "twilio.http_client": {"level": "WARNING"},
    },
}

# Second factor for program staff (wsr/network/auth.py); the issuer names the site in authenticator apps.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "WSR case management")

# Staff sign-in lockout (django-axes): 5 failures for one username from one address lock that pair
# for an hour. Only sign-in attempts are recorded; worker pages never authenticate, so no worker's
# IP address is ever stored. The address is found as for every throttle (PROXY_COUNT).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_float("AXES_COOLOFF_HOURS", 1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A locked-out sign-in gets the site's "too many tries" page (429) rather than axes' plain text.
AXES_LOCKOUT_CALLABLE = "complaints.web.errors.sign_in_locked_out"
# No start-up banner: every manage.py command (and `check --deploy`) would print it.
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "wsr.client_address.client_address"
# Only writes are worth a history context; GET requests then pay nothing for it.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "wsr-demo")
HEALTHZ_CELERY_TIMEOUT = env_float("HEALTHZ_CELERY_TIMEOUT", 1.5)
# Each web process answers /healthz from its last check for this long (wsr/health.py).
HEALTHZ_CACHE_SECONDS = env_float("HEALTHZ_CACHE_SECONDS", 5.0)
