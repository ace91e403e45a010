"""Settings read from the environment and from the instance folder.

Every variable is documented in README.md. Nothing secret is a literal here:
the secret key comes from ``SECRET_KEY`` or from ``instance/secret_key``,
which is generated once on first start in development.
"""

from __future__ import annotations

import os
import secrets
from email.utils import parseaddr
from pathlib import Path


class ConfigurationError(RuntimeError):
    """The application cannot start with these settings; the message says what to set."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common short forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _secret_key(instance_path: Path, production: bool) -> str:
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    if production:
        raise ConfigurationError(
            "SECRET_KEY is not set. In production set the SECRET_KEY environment variable "
            "to a long random value, for example: "
            "python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Created with owner-only permissions; never committed (instance/ is ignored).
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


ENVIRONMENT_FILE_NAME = "fnt-partage.env"


def load_environment_file(instance_path: str | os.PathLike[str] | None = None) -> Path | None:
    """Read the one environment file of an instance into ``os.environ`` (python-dotenv), so that
    the app under gunicorn, every ``flask`` command, the outbox worker and cron see the same
    settings. Variables already in the environment win over the file.

    The file is ``FNT_ENV_FILE`` when set (empty: no file; it may name ``FNT_INSTANCE_PATH``),
    else ``fnt-partage.env`` in the instance folder ``instance_path`` when it exists. Returns the
    file read, if any.
    """
    from dotenv import load_dotenv

    chosen = os.environ.get("FNT_ENV_FILE")
    if chosen is not None:
        if not chosen.strip():
            return None
        path = Path(chosen)
        if not path.is_file():
            raise ConfigurationError(
                f"FNT_ENV_FILE={chosen}: no such file. Create it (see docs/deploy.md), or unset FNT_ENV_FILE."
            )
    elif instance_path is None:
        return None
    else:
        path = Path(instance_path) / ENVIRONMENT_FILE_NAME
        if not path.is_file():
            return None
    load_dotenv(path, override=False, encoding="utf-8")
    return path


def load_settings(instance_path: str | os.PathLike[str]) -> dict:
    """Build the Flask configuration mapping from the environment."""
    instance = Path(instance_path)
    environment = os.environ.get("FNT_ENV", "development").strip().lower()
    production = environment == "production"

    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        if production:
            raise ConfigurationError(
                "DATABASE_URL is not set. In production FNT Partage runs on PostgreSQL: "
                "set DATABASE_URL=postgresql://user:password@host:5432/fnt_partage "
                "(the embedded SQLite database is for development only)."
            )
        database_url = f"sqlite:///{instance / 'fnt.db'}"
    elif production and database_url.startswith("sqlite"):
        raise ConfigurationError(
            "DATABASE_URL points at SQLite. In production set DATABASE_URL to a PostgreSQL "
            "database, for example postgresql://user:password@host:5432/fnt_partage."
        )

    settings = {
        "FNT_ENV": environment,
        "SECRET_KEY": _secret_key(instance, production),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "LANGUAGES": ("fr", "en"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,
        # Argon2id's cost (OWASP: 19 MiB, t=2, p=1; lower only in tests) and how many hashes a
        # worker computes at once (each holds its memory while it runs).
        "ARGON2_TIME_COST": int(os.environ.get("ARGON2_TIME_COST", 2)),
        "ARGON2_MEMORY_COST": int(os.environ.get("ARGON2_MEMORY_COST", 19 * 1024)),
        "ARGON2_PARALLELISM": int(os.environ.get("ARGON2_PARALLELISM", 1)),
        "ARGON2_MAX_CONCURRENT": int(os.environ.get("ARGON2_MAX_CONCURRENT", 2)),
        "PASSWORD_RESET_MAX_AGE": int(os.environ.get("PASSWORD_RESET_MAX_AGE", 3600)),
        "KIT_HANDOVER_EARLIEST_HOURS": int(os.environ.get("KIT_HANDOVER_EARLIEST_HOURS", 24)),
        "DOCUMENTATION_MAX_BYTES": int(os.environ.get("DOCUMENTATION_MAX_BYTES", 10 * 1024 * 1024)),
        "HEALTH_OUTBOX_MAX_WAIT_SECONDS": int(os.environ.get("HEALTH_OUTBOX_MAX_WAIT_SECONDS", 15 * 60)),
        "EMAIL_CONFIRMATION_MAX_AGE": int(os.environ.get("EMAIL_CONFIRMATION_MAX_AGE", 3 * 24 * 3600)),
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "FNT Partage <no-reply@fnt-partage.example.org>"),
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", 587)),
        "SMTP_SECURITY": os.environ.get("SMTP_SECURITY", "starttls").lower(),
        "SMTP_USER": os.environ.get("SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_TIMEOUT": float(os.environ.get("SMTP_TIMEOUT", 10)),
        "OUTBOX_DIR": os.environ.get("OUTBOX_DIR", str(instance / "outbox")),
        "MAIL_ECHO": _bool(os.environ.get("MAIL_ECHO"), default=not production),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool(os.environ.get("RATELIMIT_ENABLED"), default=True),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Two instances sharing one Redis database count apart with prefixes of their own.
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", ""),
        # Requests of one personal API token (app.api.auth), in Flask-Limiter's notation.
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "120 per minute"),
        # PostgreSQL cancels any statement that runs longer (0: no limit).
        "DATABASE_STATEMENT_TIMEOUT_MS": int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", 30000)),
        "SQLITE_BUSY_TIMEOUT_MS": int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", 30000)),
        # The largest request body accepted (uploads included): a verified agreement may be up to
        # 20 MB, a resource photo less (PHOTO_MAX_BYTES); anything bigger is refused with a 413 page.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 25 * 1024 * 1024)),
        "CHECK_MIGRATIONS": _bool(os.environ.get("CHECK_MIGRATIONS"), default=True),
        # Number of reverse proxies in front of the app (gunicorn behind nginx: 1), so that
        # client IP addresses (rate limits, acceptance records) are the real ones.
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", 0)),
        # Newcomers' test-space requests: how long their data are kept after the last exchange
        # (stated on the form), when a venue is reminded of an unanswered request, how long the
        # emailed links last, and the spam protection of the public form.
        "NEWCOMER_RETENTION_DAYS": int(os.environ.get("NEWCOMER_RETENTION_DAYS", 365)),
        "NEWCOMER_REMINDER_DAYS": int(os.environ.get("NEWCOMER_REMINDER_DAYS", 7)),
        "NEWCOMER_LINK_MAX_AGE_DAYS": int(os.environ.get("NEWCOMER_LINK_MAX_AGE_DAYS", 90)),
        "NEWCOMER_INVITATION_MAX_AGE_DAYS": int(os.environ.get("NEWCOMER_INVITATION_MAX_AGE_DAYS", 30)),
        "NEWCOMER_MIN_FILL_SECONDS": int(os.environ.get("NEWCOMER_MIN_FILL_SECONDS", 5)),
        "NEWCOMER_RATE_LIMIT": os.environ.get("NEWCOMER_RATE_LIMIT", "5 per hour"),
        # Without an SMTP server, emails are written as files: in production only when chosen.
        "MAIL_DELIVERY": os.environ.get("MAIL_DELIVERY", "smtp").strip().lower(),
        # Online payment (app.billing.providers): off unless the three Stripe keys are set.
        # STRIPE_API_BASE and STRIPE_JS_URL point at another server (localstripe in the tests).
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", ""),
        "STRIPE_PUBLISHABLE_KEY": os.environ.get("STRIPE_PUBLISHABLE_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE", "https://api.stripe.com").rstrip("/"),
        "STRIPE_JS_URL": os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/"),
        # How old a signed webhook may be, in seconds (0: no limit; the events are idempotent anyway).
        "STRIPE_WEBHOOK_TOLERANCE": int(os.environ.get("STRIPE_WEBHOOK_TOLERANCE", 300)),
        # How many days a quote (devis) stays valid.
        "QUOTE_VALIDITY_DAYS": int(os.environ.get("QUOTE_VALIDITY_DAYS", 30)),
        "TICKET_HOLD_HOURS": int(os.environ.get("TICKET_HOLD_HOURS", 24)),
    }
    if settings["RATELIMIT_STORAGE_URI"].startswith(("redis", "rediss")) and not _importable("redis"):
        raise ConfigurationError(
            "RATELIMIT_STORAGE_URI points at Redis, but the Redis client is not installed: "
            "install the redis extra, pip install 'fnt-partage[redis]' (from the source: pip install '.[redis]')"
        )
    if production:
        problems = production_problems(settings)
        if problems:
            raise ConfigurationError(
                "FNT_ENV=production, but these settings are missing or wrong:\n- " + "\n- ".join(problems)
            )
    return settings


def _importable(module: str) -> bool:
    import importlib

    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


# Addresses no real mail is sent from (RFC 2606 and 6761).
PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net", "localhost")
PLACEHOLDER_SUFFIXES = (".example", ".test", ".invalid", ".localhost", ".example.org", ".example.com", ".example.net")


def production_problems(settings: dict) -> list[str]:
    """What a production instance must set, each with what to do (checked at start)."""
    problems = []
    _name, address = parseaddr(settings["MAIL_SENDER"])
    domain = address.rpartition("@")[2].lower()
    if (
        "MAIL_SENDER" not in os.environ
        or not domain
        or domain in PLACEHOLDER_DOMAINS
        or domain.endswith(PLACEHOLDER_SUFFIXES)
    ):
        problems.append(
            "MAIL_SENDER: set the address emails come from, on the consortium's real domain, "
            'e.g. MAIL_SENDER="FNT Partage <partage@la-machinerie.fr>"'
        )
    if not settings["SMTP_HOST"] and settings["MAIL_DELIVERY"] != "files":
        problems.append(
            "SMTP_HOST: set the mail server (with SMTP_USER and SMTP_PASSWORD), or MAIL_DELIVERY=files "
            "to keep emails as files in OUTBOX_DIR on purpose"
        )
    if not settings["BASE_URL"].startswith("https://"):
        problems.append("BASE_URL: set the public https address of the service, e.g. https://partage.example.fr")
    seal = _seal_problem()
    if seal:
        problems.append(seal)
    return problems


def _seal_problem() -> str | None:
    """The seal's key and certificate: set, readable, and belonging together."""
    key, cert = os.environ.get("AGREEMENT_SEAL_KEY", ""), os.environ.get("AGREEMENT_SEAL_CERT", "")
    if not key or not cert:
        return (
            "AGREEMENT_SEAL_KEY and AGREEMENT_SEAL_CERT: set the PEM files of the consortium's "
            "signing key and certificate (every agreement is sealed with them)"
        )
    passphrase = os.environ.get("AGREEMENT_SEAL_PASSPHRASE", "").encode() or None
    problem = seal_pair_problem(Path(key), Path(cert), passphrase)
    return f"AGREEMENT_SEAL_KEY / AGREEMENT_SEAL_CERT: {problem}" if problem else None


def seal_pair_problem(key: Path, cert: Path, passphrase: bytes | None) -> str | None:
    """None when the PEM key and certificate load and the key is the certificate's; else why not
    (also used by ``app.agreements.sealing`` for ``/healthz``)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    try:
        private = serialization.load_pem_private_key(key.read_bytes(), passphrase)
        certificate = x509.load_pem_x509_certificate(cert.read_bytes())
    except (OSError, ValueError, TypeError) as error:
        return f"cannot be read ({type(error).__name__})"
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if private.public_key().public_bytes(*spki) != certificate.public_key().public_bytes(*spki):
        return "the key does not belong to the certificate: set the key of that certificate"
    return None
