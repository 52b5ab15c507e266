"""Marquee's settings: one file, every deployment difference comes from the environment.

The variables are listed in the README and in shared/spec/api.md.
"""

import datetime as dt
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from marquee.core.csp import content_security_policy
from marquee.env import (
    cache_config,
    database_config,
    env_bool,
    env_int,
    env_list,
    env_proxies,
    env_str,
    mailer_config,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite file and mail files live here

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (set DEBUG=true for local development).")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL] if SITE_URL.startswith("https://") else [])

INSTALLED_APPS = [
    "marquee.core.admin_site.MarqueeAdminConfig",  # django.contrib.admin, with sturdier list pages
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "axes",
    "marquee.core",
    "marquee.audit",
    "marquee.catalog",
    "marquee.venues",
    "marquee.scheduling",
    "marquee.pricing",
    "marquee.promotions",
    "marquee.booking",
    "marquee.vouchers",
    "marquee.payments",
    "marquee.waitlist",
    "marquee.waiting_room",
    "marquee.notifications",
    "marquee.reports",
    "marquee.staff",
    "marquee.marketing",
    "marquee.privacy",
    "marquee.settlement",
    "marquee.demo",
    "marquee.public",
    "marquee.backoffice",
    "marquee.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "marquee.api.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "marquee.api.middleware.ApiErrorShapeMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "marquee.urls"
WSGI_APPLICATION = "marquee.wsgi.application"
ASGI_APPLICATION = "marquee.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "marquee" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "marquee.core.context_processors.cinema",
            ],
        },
    },
]

DATABASES = {"default": database_config(env_str("DATABASE_URL"), DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions live in the database so that any number of web processes on any number of
# machines share them. The cache is per process unless CACHE_URL names Redis.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CACHES = {"default": cache_config(env_str("CACHE_URL"))}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Staff login lockout (django-axes): LOGIN_FAILURE_LIMIT failed logins for one username,
# or from one client address, lock it for LOGIN_LOCKOUT_MINUTES. Axes' backend goes
# first: it refuses a locked login before any password is checked. Admins unlock in the
# admin ("Access attempts") or with `manage.py axes_reset_username <name>`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "marquee.core.client.client_address"
AXES_LOCKOUT_CALLABLE = "marquee.staff.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Failures while locked do not push the end of the lockout further: the message can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("uk", _("Ukrainian"))]
LOCALE_PATHS = [BASE_DIR / "marquee" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Kyiv")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Background work: django.tasks with rows in our own database, so that a task
# enqueued inside a transaction commits or rolls back with it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Mail: EMAIL_URL names the SMTP server; without it, messages go to files.
MAILERS = {"default": mailer_config(env_str("EMAIL_URL"), DATA_DIR)}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Marquee Cinema <tickets@marquee.example>")
# How long a worker's claim on a message lasts unless renewed; a sending worker renews it every
# third of it, so that the mail of a worker that dies is sent by another within this time.
MAIL_LEASE_SECONDS = env_int("MAIL_LEASE_SECONDS", 60, minimum=1)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The cinema's own rules.
CINEMA_NAME = env_str("CINEMA_NAME", "Marquee Cinema")
CURRENCY = env_str("CURRENCY", "UAH")
HOLD_MINUTES = env_int("HOLD_MINUTES", 10, minimum=1)
MAX_SEATS_PER_BOOKING = env_int("MAX_SEATS_PER_BOOKING", 10, minimum=1)
CANCEL_CUTOFF_MINUTES = env_int("CANCEL_CUTOFF_MINUTES", 60)
# Seating rules (marquee.booking.seat_rules). A hold that would leave one empty seat stranded
# between taken seats (or a taken seat and an aisle or the row's end): `refuse` it (409
# single_seat_gap, with a suggestion), `warn` (hold it, and say so), or `allow` it.
SINGLE_SEAT_GAPS = env_str("SINGLE_SEAT_GAPS", "refuse")
if SINGLE_SEAT_GAPS not in {"allow", "warn", "refuse"}:
    raise ImproperlyConfigured(f"SINGLE_SEAT_GAPS is allow, warn or refuse, not {SINGLE_SEAT_GAPS!r}")
# Wheelchair spaces and their companion seats are kept for customers who need one until this
# many minutes before the show; then whoever comes may book them.
ACCESSIBLE_RELEASE_MINUTES = env_int("ACCESSIBLE_RELEASE_MINUTES", 60)
# A sold-out showtime's waiting list (marquee.waitlist): seats that free up are held for the
# first in line for this long, with a link to pay; then the next one gets them.
WAITLIST_OFFER_MINUTES = env_int("WAITLIST_OFFER_MINUTES", 30, minimum=1)
# A premiere's fair queue (marquee.waiting_room): visitors let through to the seat map per minute
# (a sale's own rate, set by staff, starts here: about 60% of the whole customers per minute the
# rush bench measured on the reference machine, docs/PERFORMANCE.md "Fair queue"), and how long
# the pass a visitor gets when their turn comes lets them choose seats and hold them.
QUEUE_ADMIT_PER_MINUTE = env_int("QUEUE_ADMIT_PER_MINUTE", 600, minimum=1)
QUEUE_PASS_MINUTES = env_int("QUEUE_PASS_MINUTES", 15, minimum=1)
# The box office sells to late-comers until this many minutes after the start (online sales
# close at the start; marquee.payments.counter).
BOX_OFFICE_SALES_MINUTES_AFTER_START = env_int("BOX_OFFICE_SALES_MINUTES_AFTER_START", 30)
CLEANING_MINUTES = env_int("CLEANING_MINUTES", 15)
# The first day of the film week, when distributors' settlements start (0 = Monday … 6 =
# Sunday; Thursday, 3, is the trade's usual: new releases open on Thursdays).
FILM_WEEK_START = env_int("FILM_WEEK_START", 3)
if FILM_WEEK_START > 6:
    raise ImproperlyConfigured(f"FILM_WEEK_START is a weekday, 0 (Monday) to 6 (Sunday), not {FILM_WEEK_START}")
# Payment providers customers may use. `demo` approves at once: on in make run
# and tests, off in production unless named here.
PAYMENT_PROVIDERS = env_list("PAYMENT_PROVIDERS", ["demo"] if DEBUG else [])

# Gift vouchers (marquee.vouchers): how long one lasts from the day it is paid, and the amounts
# a customer may buy online (whole units of CURRENCY; the page offers VOUCHER_PRESETS).
VOUCHER_VALID_DAYS = env_int("VOUCHER_VALID_DAYS", 365, minimum=1)
VOUCHER_MIN_AMOUNT = env_int("VOUCHER_MIN_AMOUNT", 100, minimum=1)
VOUCHER_MAX_AMOUNT = env_int("VOUCHER_MAX_AMOUNT", 10000, minimum=1)
VOUCHER_PRESETS = [int(x) for x in env_list("VOUCHER_PRESETS", ["200", "500", "1000"])]
# GET /api/v1/vouchers/{code} per client address and minute (codes must not be guessed).
API_VOUCHER_LOOKUP_RATE_PER_MINUTE = env_int("API_VOUCHER_LOOKUP_RATE_PER_MINUTE", 5)

# Payments: the ledger (paycore).
# The worker asks a provider about a payment still pending after this many minutes.
PAYMENT_RECONCILE_MINUTES = env_int("PAYMENT_RECONCILE_MINUTES", 15, minimum=1)
# Seat holds per client address and minute through the API (0 turns the limit off; off by
# default with DEBUG, where a developer's scripts and test suites hold from one address).
# The count lives in the cache: set CACHE_URL to Redis so that every process shares it.
API_HOLD_RATE_PER_MINUTE = env_int("API_HOLD_RATE_PER_MINUTE", 0 if DEBUG else 60)
# The interactive API docs (/api/v1/docs) for anyone, or for signed-in staff only.
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", default=DEBUG)

# Pending (unpaid, unexpired) seats one client address may hold across all showtimes, counted
# in the database (0: no limit, for load tests from one machine). One email may hold at most
# MAX_SEATS_PER_BOOKING pending seats per showtime, whatever the address.
MAX_PENDING_SEATS_PER_CLIENT = env_int("MAX_PENDING_SEATS_PER_CLIENT", 20)
# Which proxies' X-Forwarded-For to believe: a count of proxies in front of the app, or
# their networks (comma-separated CIDR). None by default: the socket address is the client.
TRUSTED_PROXIES = env_proxies("TRUSTED_PROXIES")
# Mail anyone can make the site send, per hour: "My bookings" sign-in links per email
# address and per client address, and ticket resends per booking (customers and staff).
SIGN_IN_LINKS_PER_HOUR = env_int("SIGN_IN_LINKS_PER_HOUR", 3, minimum=1)
SIGN_IN_LINKS_PER_HOUR_PER_CLIENT = env_int("SIGN_IN_LINKS_PER_HOUR_PER_CLIENT", 10, minimum=1)
TICKET_RESENDS_PER_HOUR = env_int("TICKET_RESENDS_PER_HOUR", 3, minimum=1)
# How long the listing and schedule (pages and API) are reused before they are drawn again
# (seconds; 0: never). Seats-left figures may lag this much; the seat map never does.
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 30)
# How long the API's seat map of a showtime is reused (seconds; 0: never). The booking
# services forget a map as soon as they change its seats; see marquee.scheduling.seat_map_cache.
SEAT_MAP_CACHE_SECONDS = env_int("SEAT_MAP_CACHE_SECONDS", 1)

# Stripe (card payments; see README "Stripe"). Keys from the Stripe dashboard; the API base
# and the Stripe.js address change only for a test server such as localstripe.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "https://api.stripe.com").rstrip("/")
STRIPE_JS_URL = env_str("STRIPE_JS_URL", "https://js.stripe.com/v3/")

# LiqPay: the keys from the merchant cabinet (sandbox keys start "sandbox_"); the two URLs
# are LiqPay's own, changed only to point the tests at a fake LiqPay.
LIQPAY_PUBLIC_KEY = env_str("LIQPAY_PUBLIC_KEY")
LIQPAY_PRIVATE_KEY = env_str("LIQPAY_PRIVATE_KEY")
LIQPAY_API_URL = env_str("LIQPAY_API_URL", "https://www.liqpay.ua/api/request")
LIQPAY_CHECKOUT_URL = env_str("LIQPAY_CHECKOUT_URL", "https://www.liqpay.ua/api/3/checkout")

# Security: safe by default; the development server runs with DEBUG=true.
ONE_YEAR = 60 * 60 * 24 * 365
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    # Browsers' preload lists take a site only with a max-age of at least a year.
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", ONE_YEAR if SECURE_HSTS_PRELOAD else 60 * 60 * 24 * 30)
    if SECURE_HSTS_PRELOAD and SECURE_HSTS_SECONDS < ONE_YEAR:
        raise ImproperlyConfigured(f"SECURE_HSTS_PRELOAD needs SECURE_HSTS_SECONDS of at least {ONE_YEAR} (a year).")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy on every response (marquee/core/csp.py): scripts only from our
# static files or with the response's nonce; the enabled payment providers' origins.
# Last, so that it sees every payment setting above.
SECURE_CSP = content_security_policy(globals())

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
