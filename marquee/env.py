"""Reading settings from the environment: one place, clear errors.

Only `settings.py` calls these; domain code reads `django.conf.settings`.
"""

import os
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def database_config(url: str, data_dir: Path) -> dict[str, object]:
    """One DATABASES entry from DATABASE_URL; SQLite in the data folder when empty.

    SQLite runs with IMMEDIATE transactions (a writer takes the lock when it
    begins, so two writers queue instead of deadlocking on upgrade) and WAL
    (readers never wait for the writer).
    """
    if not url:
        return sqlite_config(data_dir / "marquee.sqlite3")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        return sqlite_config(Path(path) if path else data_dir / "marquee.sqlite3")
    if scheme in {"postgres", "postgresql", "pgsql"}:
        options: dict[str, object] = {}
        query = parse_qs(parts.query)
        if "sslmode" in query:
            options["sslmode"] = query["sslmode"][0]
        if env_bool("DATABASE_PREPARED_STATEMENTS", default=True):
            # A statement a connection has run 5 times is prepared on the server and planned once
            # there: planning the ORM's joins took more of PostgreSQL's CPU than running them
            # (the pay's answer: 2.7 ms to plan, 0.07 ms to run). A pooler in transaction mode
            # needs to carry prepared statements (pgbouncer 1.21+, max_prepared_statements), or
            # this turned off (docs/SCALING.md).
            options["server_side_binding"] = True
            options["prepare_threshold"] = 5
        if env_bool("DATABASE_POOL", default=False):
            options["pool"] = {"min_size": 1, "max_size": env_int("DATABASE_POOL_SIZE", 8, minimum=1)}
        config: dict[str, object] = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            # Persistent connections: a new connection per request costs more
            # than the request itself. A pool replaces them when enabled.
            "CONN_MAX_AGE": 0 if "pool" in options else env_int("CONN_MAX_AGE", 600),
            # A health check is a `SELECT 1` round trip at the start of every request that
            # touches the database: a fourth round trip beside a hold's three (begin, one
            # statement, commit). Without it, the first request on a connection the server
            # dropped (a restart) fails once and Django replaces the connection after it.
            "CONN_HEALTH_CHECKS": env_bool("DATABASE_HEALTH_CHECKS", default=False),
        }
        return config
    raise ImproperlyConfigured(f"DATABASE_URL has an unsupported scheme {scheme!r} (use postgresql:// or sqlite://)")


def sqlite_config(path: Path) -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
        "TEST": {"NAME": str(path.with_name("test-" + path.name))},
    }


def mailer_config(url: str, data_dir: Path) -> dict[str, object]:
    """Django's MAILERS['default'] from EMAIL_URL; files in the data folder when empty."""
    if not url:
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(data_dir / "mail")},
        }
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"smtp", "smtp+tls", "smtp+ssl"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL has an unsupported scheme {scheme!r} (use smtp://, smtp+tls:// or smtp+ssl://)"
        )
    default_port = {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}[scheme]
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parts.hostname or "localhost",
            "port": parts.port or default_port,
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": scheme == "smtp+tls",
            "use_ssl": scheme == "smtp+ssl",
            "timeout": 30,
        },
    }


def cache_config(url: str) -> dict[str, object]:
    """CACHES['default'] from CACHE_URL: Redis (shared by every process) or per-process memory."""
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    scheme = urlsplit(url).scheme.lower()
    if scheme not in {"redis", "rediss"}:
        raise ImproperlyConfigured(f"CACHE_URL has an unsupported scheme {scheme!r} (use redis:// or rediss://)")
    return {"BACKEND": "marquee.core.redis_cache.SharedClientRedisCache", "LOCATION": url}


def env_proxies(name: str) -> int | tuple[IPv4Network | IPv6Network, ...]:
    """TRUSTED_PROXIES: a count of proxies in front of the app (`1`), or the proxies'
    networks (`10.0.0.0/8, 2001:db8::/32`); empty or `0`: none, the socket address counts."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return 0
    if raw.isdigit():
        return int(raw)
    networks = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        try:
            networks.append(ip_network(part, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must be a number of proxies or comma-separated networks (10.0.0.0/8), not {part!r}"
            ) from None
    return tuple(networks)
