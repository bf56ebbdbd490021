"""Django settings for kerjasama, configured from the environment.

Environment variables:
- ``DATABASE_URL``: database URL; default a SQLite file ``var/kerjasama.sqlite3``.
- ``SECRET_KEY``: required in production (see ``kerjasama.config.production``).
- ``DEBUG``: ``1``/``true`` to enable debug mode (default off).
- ``ALLOWED_HOSTS``: comma-separated host names (default ``127.0.0.1,localhost``).
- ``KERJASAMA_VAR_DIR``: folder for the SQLite file, uploads and caches (default ``<project>/var``).
"""

import os
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# src/kerjasama/config/settings.py -> the project root is three levels above the package.
PROJECT_DIR = PACKAGE_DIR.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean from the environment (1/true/yes/on)."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated list from the environment."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


VAR_DIR = Path(os.environ.get("KERJASAMA_VAR_DIR") or PROJECT_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# The development key is only good for a machine nobody else reaches; production refuses it.
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "kerjasama.core",
    "kerjasama.users",
    "kerjasama.regions",
    "kerjasama.agreements",
    "kerjasama.monitoring",
    "kerjasama.access",
    "kerjasama.search",
    "kerjasama.portal",
    "kerjasama.reports",
    "kerjasama.opendata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kerjasama.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kerjasama.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "kerjasama.config.urls"
WSGI_APPLICATION = "kerjasama.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kerjasama.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kerjasama.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web workers read while an import writes; IMMEDIATE avoids lock upgrades. A 64 MiB
    # page cache (the default is 2 MiB, allocated only as used) keeps an import's index pages in memory.
    # Connections are kept between requests, as on PostgreSQL (conn_max_age above): the page cache
    # belongs to the connection, and a new one per request read every page of a list again.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DATABASES["default"]["TEST"] = {"NAME": None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "id"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60  # keep a visitor's language choice for a year
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Makassar"  # Kalimantan Timur keeps WITA (UTC+8)
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
# Leaflet for the service-access maps comes from the django-leaflet package (leaflet/leaflet.js, .css), served
# from here like our own files: no CDN. Only its static folder is used: as an installed app its admin module
# would import GeoDjango, which needs GDAL. find_spec locates the package without importing it.
STATICFILES_DIRS = [PACKAGE_DIR / "static", Path(find_spec("leaflet").origin).parent / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
IMPORT_MAX_BYTES = 50 * 1024 * 1024

# Per process: entries are keyed by the data version read from the shared database (core/cache.py), so
# each gunicorn worker's copy goes stale at the same moment without any cross-process invalidation.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 1000}}}

REST_FRAMEWORK = {
    # Token first: DRF takes the WWW-Authenticate header from the first class, so anonymous writes
    # answer 401 (Session alone gives none and DRF would answer 403). Both are tried on every request.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["kerjasama.core.api.permissions.RestrictedPermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "kerjasama.core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "kerjasama.core.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "kerjasama API",
    "DESCRIPTION": "API sistem informasi Kerja Sama Daerah Provinsi Kalimantan Timur.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per choice set, whatever the field is called (stage, from_stage, to...).
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "kerjasama.agreements.choices.Stage",
        "ActivityStatusEnum": "kerjasama.monitoring.choices.ActivityStatus",
        "ReportStatusEnum": "kerjasama.monitoring.choices.ReportStatus",
        "ActionStatusEnum": "kerjasama.monitoring.choices.ActionStatus",
        "ProblemStatusEnum": "kerjasama.monitoring.choices.ProblemStatus",
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kerjasama@localhost")
# SMTP (with EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend); used by `kerjasama check` digests.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Domain settings (documented in docs/architecture.md).
KERJASAMA = {
    # Agreements longer than this many years get a warning (domain.md 1.8: at most five years).
    "MAX_DURATION_YEARS": 5,
    # "Akan berakhir" (expiring) window for the derived validity.
    "EXPIRING_WITHIN_DAYS": 90,
    # Date the synthetic demo data set describes (the Biro POD count of 208 on 18 Nov 2025).
    "DEMO_REFERENCE_DATE": "2025-11-18",
    # Health rules of implementation monitoring (monitoring/health.py).
    "HEALTH": {
        "DORMANT_DAYS": 180,  # in force, yet no activity, report or indicator update for this long
        "NO_WORKPLAN_DAYS": 90,  # signed this long ago and still no work plan
        "KB_WITHOUT_PKS_MONTHS": 12,  # a KB this old with no implementing PKS
        "EXPIRY_DAYS": (90, 60, 30, 7, 0),  # reminders before the end date (0: ends today)
        # Implementation score (monitoring/scores.py): weights of its parts, what counts as implemented.
        "SCORE_WEIGHTS": {
            "plan": 15,
            "recent": 20,
            "progress": 15,
            "reporting": 15,
            "indicators": 20,
            "evaluation": 15,
        },
        "RECENT_DAYS": 90,  # evidence this recent earns the full "recent" part; up to DORMANT_DAYS half of it
        "PROBLEM_PENALTY": 10,  # points off per open high-severity problem...
        "PROBLEM_PENALTY_MAX": 30,  # ...up to this many
        "IMPLEMENTED_SCORE": 50,  # implemented: score at least this, or evidence within DORMANT_DAYS
        # iCalendar feeds: events from this many days back to this many days ahead.
        "CALENDAR_PAST_DAYS": 30,
        "CALENDAR_FUTURE_DAYS": 400,
    },
    # Absolute address of the web UI for links in e-mails (e.g. https://kerjasama.kaltimprov.go.id).
    "SITE_URL": os.environ.get("SITE_URL", "").rstrip("/"),
    # Evidence files of implementation reports.
    "EVIDENCE_MAX_BYTES": 10 * 1024 * 1024,
    "EVIDENCE_TYPES": ("application/pdf", "image/jpeg", "image/png"),
    # The KSD report (reports/pdf.py). Addressee of the covering letter, one line each: domain.md 1.10 names
    # the Minister of Home Affairs through Ditjen Bina Administrasi Kewilayahan, and marks it configurable.
    "REPORT_ADDRESSEE": (
        "Yth. Menteri Dalam Negeri",
        "c.q. Direktur Jenderal Bina Administrasi Kewilayahan",
        "di",
        "Jakarta",
    ),
    "REPORT_PLACE": "Samarinda",  # where the letter is signed
    "REPORT_SIGNATORY": "sekda",  # "sekda" (a.n. Gubernur, Sekretaris Daerah) or "gubernur"
    "REPORT_PDF_MAX_ROWS": 400,  # rows per table in the PDF; the XLSX annex lists every row
    # Open data (/data/, docs/open-data.md). The licence of the published register data: a proposal
    # (CC BY 4.0) for the Biro to confirm; ``attribution`` names the publisher to credit.
    "OPEN_DATA_LICENCE": {
        "name": "CC-BY-4.0",
        "title": "Creative Commons Attribution 4.0 International",
        "url": "https://creativecommons.org/licenses/by/4.0/",
        "attribution": "Biro Pemerintahan dan Otonomi Daerah, Setda Provinsi Kalimantan Timur",
    },
    # Prefix of the OCDS ids (ocid = prefix + "-" + agreement id). Not registered: request a real one
    # from the Open Contracting Partnership before publishing for good; changing it changes every ocid.
    "OCID_PREFIX": os.environ.get("OCID_PREFIX", "ocds-ksdkaltim"),
}
