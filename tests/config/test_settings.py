"""Settings come from the environment and are safe by default."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from marquee.env import database_config, env_bool, env_int, mailer_config

ROOT = Path(__file__).resolve().parents[2]


def load_settings(tmp_path, **env):
    """Import marquee.settings in a fresh interpreter with exactly `env` (plus PATH)."""
    clean = {"PATH": os.environ["PATH"], "DATA_DIR": str(tmp_path), **env}
    code = (
        "import marquee.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS, s.PAYMENT_PROVIDERS, s.API_HOLD_RATE_PER_MINUTE)"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)


def test_without_debug_a_secret_key_is_required(tmp_path):
    result = load_settings(tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_defaults_are_closed(tmp_path):
    result = load_settings(tmp_path, SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    # DEBUG off, no hosts allowed until named, the demo payment provider off, holds limited.
    assert result.stdout.strip() == "False [] [] 60"


def test_debug_runs_without_a_secret_key(tmp_path):
    result = load_settings(tmp_path, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True")
    assert result.stdout.split()[-1] == "0"  # a developer's scripts hold from one address


def test_database_url_postgres(tmp_path):
    config = database_config("postgresql://cinema:p%40ss@db.example:5433/marquee", tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "marquee",
        "cinema",
        "p@ss",
        "db.example",
        "5433",
    )
    assert config["CONN_MAX_AGE"] > 0


def test_no_health_check_round_trip_per_request_unless_asked(tmp_path, monkeypatch):
    url = "postgresql://cinema@db.example/marquee"
    monkeypatch.delenv("DATABASE_HEALTH_CHECKS", raising=False)
    assert database_config(url, tmp_path)["CONN_HEALTH_CHECKS"] is False
    monkeypatch.setenv("DATABASE_HEALTH_CHECKS", "true")
    assert database_config(url, tmp_path)["CONN_HEALTH_CHECKS"] is True


def test_postgresql_statements_are_prepared_unless_turned_off(tmp_path, monkeypatch):
    url = "postgresql://cinema@db.example/marquee"
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    options = database_config(url, tmp_path)["OPTIONS"]
    assert (options["server_side_binding"], options["prepare_threshold"]) == (True, 5)
    # A pooler in transaction mode that cannot carry prepared statements (docs/SCALING.md).
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "false")
    options = database_config(url, tmp_path)["OPTIONS"]
    assert "server_side_binding" not in options and "prepare_threshold" not in options


def test_database_url_defaults_to_sqlite_in_the_data_folder(tmp_path):
    config = database_config("", tmp_path)
    assert config["NAME"] == str(tmp_path / "marquee.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_database_url_with_unknown_scheme_is_a_clear_error(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="unsupported scheme"):
        database_config("mysql://x/y", tmp_path)


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtp://mail.example", 25, False, False),
        ("smtp+tls://u:p@mail.example", 587, True, False),
        ("smtp+ssl://u:p@mail.example:2465", 2465, False, True),
    ],
)
def test_email_url(tmp_path, url, port, tls, ssl):
    options = mailer_config(url, tmp_path)["OPTIONS"]
    assert (options["host"], options["port"], options["use_tls"], options["use_ssl"]) == (
        "mail.example",
        port,
        tls,
        ssl,
    )


def test_without_email_url_mail_goes_to_files(tmp_path):
    config = mailer_config("", tmp_path)
    assert config["BACKEND"].endswith("filebased.EmailBackend")
    assert config["OPTIONS"]["file_path"] == str(tmp_path / "mail")


def test_bad_numbers_and_booleans_are_clear_errors(monkeypatch):
    monkeypatch.setenv("HOLD_MINUTES", "ten")
    with pytest.raises(ImproperlyConfigured, match="HOLD_MINUTES must be a whole number"):
        env_int("HOLD_MINUTES", 10)
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        env_bool("DEBUG")


def test_cache_url_redis_or_per_process_memory():
    from marquee.env import cache_config

    assert cache_config("")["BACKEND"].endswith("LocMemCache")
    assert cache_config("redis://127.0.0.1:6379/1") == {
        "BACKEND": "marquee.core.redis_cache.SharedClientRedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
    }
    with pytest.raises(ImproperlyConfigured, match="unsupported scheme"):
        cache_config("memcached://x")
