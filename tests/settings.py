"""Test settings: the production settings module with a test environment.

Only environment defaults differ, so the suite runs the code exactly as deployed.
DATABASE_URL, when set, selects PostgreSQL; otherwise SQLite in a throwaway folder.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("PAYMENT_PROVIDERS", "demo")
# The suite's holds pick seats for what each test is about, often leaving one alone in a row;
# the seating tests (tests/booking/test_single_seat_gap*.py…) set `refuse`, the default, themselves.
os.environ.setdefault("SINGLE_SEAT_GAPS", "allow")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="marquee-test-"))

from marquee.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests only
# Production serves hashed static names from collectstatic's manifest; the tests never
# collect, so they read static files by their plain names.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# The local-memory cache outlives a test; tests that want the programme cache turn it on.
PUBLIC_CACHE_SECONDS = 0
SEAT_MAP_CACHE_SECONDS = 0  # tests/api/test_read_caches.py turns it on
# The tests pay with demo on purpose, with DEBUG off as in production: its start-up warning
# (tests/payments/test_site.py calls the check itself) would only be noise here.
SILENCED_SYSTEM_CHECKS = ["marquee.W001"]
