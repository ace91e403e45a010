"""The application factory, settings, health check, error pages and schema checks."""

from __future__ import annotations

import re
import sys

import pytest
import sqlalchemy as sa

from app import ConfigurationError, create_app
from app.config import load_settings, normalise_database_url
from app.core.schema import SchemaOutOfDate, require_current_schema, schema_heads
from app.extensions import db


def test_factory_uses_test_config(app):
    assert app.config["TESTING"] is True
    assert app.config["BABEL_DEFAULT_LOCALE"] == "fr"
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "Europe/Paris"


def test_default_database_is_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("FNT_ENV", raising=False)
    settings = load_settings(tmp_path)
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'fnt.db'}"


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FNT_ENV", raising=False)
    first = load_settings(tmp_path)["SECRET_KEY"]
    second = load_settings(tmp_path)["SECRET_KEY"]
    assert first == second and len(first) >= 64
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == first
    assert key_file.stat().st_mode & 0o077 == 0


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert load_settings(tmp_path)["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_sqlite_default_and_missing_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("FNT_ENV", "production")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        load_settings(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    with pytest.raises(ConfigurationError, match="PostgreSQL"):
        load_settings(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgresql://fnt@db.internal/fnt")
    monkeypatch.delenv("SECRET_KEY")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        load_settings(tmp_path)
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    for name, value in _production_settings(tmp_path).items():
        monkeypatch.setenv(name, value)
    settings = load_settings(tmp_path)
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://fnt@db.internal/fnt"
    assert settings["SESSION_COOKIE_SECURE"] is True


def _production_settings(folder) -> dict[str, str]:
    """What production needs besides the database and the secret: a real sender, a mail server,
    an https address and a seal pair (a development pair, made here)."""
    from flask import Flask

    from app.agreements import sealing

    seal = folder / "seal"
    seal.mkdir(exist_ok=True)
    with Flask(__name__).app_context():
        sealing._generate_development_seal(seal)
    return {
        "MAIL_SENDER": "FNT Partage <partage@la-machinerie.fr>",
        "SMTP_HOST": "smtp.la-machinerie.fr",
        "BASE_URL": "https://partage.la-machinerie.fr",
        "AGREEMENT_SEAL_KEY": str(seal / "key.pem"),
        "AGREEMENT_SEAL_CERT": str(seal / "cert.pem"),
    }


def test_production_refuses_to_start_until_mail_address_and_seal_are_real(tmp_path, monkeypatch):
    """Each missing or wrong setting is named with what to set, all at once."""
    monkeypatch.setenv("FNT_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "postgresql://fnt@db.internal/fnt")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    for name in ("MAIL_SENDER", "SMTP_HOST", "BASE_URL", "AGREEMENT_SEAL_KEY", "AGREEMENT_SEAL_CERT", "MAIL_DELIVERY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigurationError) as refused:
        load_settings(tmp_path)
    message = str(refused.value)
    for setting in ("MAIL_SENDER:", "SMTP_HOST:", "BASE_URL:", "AGREEMENT_SEAL_KEY and AGREEMENT_SEAL_CERT"):
        assert setting in message, setting

    good = _production_settings(tmp_path)
    for name, value in good.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MAIL_SENDER", "FNT Partage <no-reply@fnt-partage.example.org>")  # the old default
    monkeypatch.setenv("BASE_URL", "http://partage.la-machinerie.fr")
    other = tmp_path / "other"
    other.mkdir()
    from flask import Flask

    from app.agreements import sealing

    with Flask(__name__).app_context():
        sealing._generate_development_seal(other)
    monkeypatch.setenv("AGREEMENT_SEAL_KEY", str(other / "key.pem"))  # not the certificate's key
    with pytest.raises(ConfigurationError) as refused:
        load_settings(tmp_path)
    message = str(refused.value)
    assert "MAIL_SENDER:" in message and "BASE_URL:" in message
    assert "AGREEMENT_SEAL_KEY / AGREEMENT_SEAL_CERT: the key does not belong to the certificate" in message
    assert "SMTP_HOST" not in message

    for name, value in good.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SMTP_HOST")
    with pytest.raises(ConfigurationError, match="SMTP_HOST"):
        load_settings(tmp_path)
    monkeypatch.setenv("MAIL_DELIVERY", "files")  # files on purpose
    assert load_settings(tmp_path)["MAIL_DELIVERY"] == "files"


def test_postgres_urls_use_psycopg3():
    assert normalise_database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "database": "ok",
        "outbox": {"status": "ok", "pending": 0, "oldest_pending_seconds": None, "dead": 0},
        "seal": "ok",
    }


def test_healthz_says_when_the_sender_is_late_and_counts_dead_emails(app, client, clock):
    """Emails waiting past the limit mean no sender runs: 503. Dead ones are counted (coordinators
    see them), and do not make the service unhealthy by themselves."""
    from datetime import timedelta

    from app.notifications import send_email
    from app.notifications.models import MessageStatus, OutboxMessage

    app.config["OUTBOX_DELIVER_ON_COMMIT"] = False  # as in production: a worker sends
    send_email("a@example.org", "Bonjour", "…")
    send_email("b@example.org", "Bonjour", "…")
    db.session.commit()
    db.session.execute(
        sa.update(OutboxMessage).where(OutboxMessage.to_address == "b@example.org").values(status=MessageStatus.DEAD)
    )
    db.session.commit()
    clock.shift(timedelta(minutes=10))
    fresh = client.get("/healthz")
    assert fresh.status_code == 200
    assert fresh.get_json()["outbox"] == {"status": "ok", "pending": 1, "oldest_pending_seconds": 600, "dead": 1}
    clock.shift(timedelta(minutes=6))
    late = client.get("/healthz")
    assert late.status_code == 503
    assert late.get_json()["status"] == "error" and late.get_json()["outbox"]["status"] == "late"


def test_healthz_says_when_the_seal_does_not_work(app, client, tmp_path):
    """A seal key that does not belong to its certificate: 503, and no path or secret in the answer."""
    from app.agreements import sealing

    with app.test_request_context():
        files = sealing.seal_files()  # the development pair
    other = tmp_path / "other"
    other.mkdir()
    with app.test_request_context():
        sealing._generate_development_seal(other)
    app.config["AGREEMENT_SEAL_KEY"] = str(other / "key.pem")
    app.config["AGREEMENT_SEAL_CERT"] = str(files.cert)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["seal"] == "unavailable" and str(tmp_path) not in response.get_data(as_text=True)
    app.config["AGREEMENT_SEAL_CERT"] = str(other / "cert.pem")  # the pair that belongs together
    assert client.get("/healthz").status_code == 200


def test_healthz_reports_a_dead_database(tmp_path, instance_dir):
    from tests.helpers import make_test_config

    broken = create_app(make_test_config(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}", instance_dir))
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


@pytest.mark.sqlite_only
def test_sqlite_transactions_take_the_write_lock_at_begin(app):
    with db.engine.connect() as first:
        first.execute(sa.text("SELECT 1"))  # BEGIN IMMEDIATE has run: the write lock is held
        other = sa.create_engine(db.engine.url, connect_args={"timeout": 0.1})
        try:
            with pytest.raises(sa.exc.OperationalError, match="locked"), other.connect() as second:
                second.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            other.dispose()


def test_not_found_page_is_french(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert '<html lang="fr">' in page and "Page introuvable" in page


def test_server_error_page_is_friendly(app_factory):
    application = app_factory(PROPAGATE_EXCEPTIONS=False)

    @application.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    response = application.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Erreur du serveur" in page and "kaboom" not in page


def test_forbidden_page(app_factory):
    from flask import abort

    application = app_factory()

    @application.get("/interdit")
    def forbidden():
        abort(403)

    response = application.test_client().get("/interdit")
    assert response.status_code == 403
    assert "Accès refusé" in response.get_data(as_text=True)


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_is_vendored_not_from_a_cdn(client):
    page = client.get("/").get_data(as_text=True)
    address = re.search(r'src="(/static/vendor/htmx/htmx-2\.0\.11\.min\.[0-9a-f]{12}\.js)"', page).group(1)
    # No script nor style sheet from another site (a word like "cdn" may turn up in a random token).
    assert not re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="((?:https?:)?//[^"]*)"', page)
    assert "unpkg" not in page and "jsdelivr" not in page
    with client.get(address) as script:
        assert script.status_code == 200 and b"htmx" in script.get_data()


def test_schema_check_passes_on_a_migrated_database(app):
    current, heads = schema_heads(app)
    assert current == heads and heads
    require_current_schema(app)


def test_schema_check_stops_an_unmigrated_database(tmp_path, instance_dir):
    from tests.helpers import make_test_config

    empty = create_app(make_test_config(f"sqlite:///{tmp_path / 'empty.db'}", instance_dir))
    with pytest.raises(SchemaOutOfDate, match="flask --app app db upgrade"):
        require_current_schema(empty)


def test_a_request_too_large_gets_a_clear_page_not_a_crash(app_factory):
    application = app_factory(MAX_CONTENT_LENGTH=4096)
    response = application.test_client().post(
        "/compte/connexion", data={"email": "a@example.org", "password": "x" * 10_000}
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Envoi trop volumineux" in page and "Choisissez un fichier plus petit" in page


def test_the_language_is_chosen_outside_a_request_too(app):
    from app.core.i18n import select_locale

    assert select_locale() == "fr"


def test_a_lost_database_gets_a_clear_503_page_and_json_for_htmx(tmp_path, instance_dir):
    """No database to reach: the pages say the service is unavailable for a moment (503, with a
    hint to retry), in French; an htmx request gets the same as JSON."""
    from tests.helpers import make_test_config

    gone = create_app(make_test_config(f"sqlite:///{tmp_path / 'no-such-folder' / 'fnt.db'}", instance_dir))
    client = gone.test_client()
    page = client.get("/ressources/")
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "Service momentanément indisponible" in page.get_data(as_text=True)
    fragment = client.get("/ressources/", headers={"HX-Request": "true", "HX-Target": "resultats"})
    assert fragment.status_code == 503 and fragment.json["error"] == "service_unavailable"
    with gone.app_context():
        db.engine.dispose()


@pytest.mark.postgres_only
def test_postgresql_cancels_a_statement_that_runs_too_long(app_factory):
    """``DATABASE_STATEMENT_TIMEOUT_MS`` reaches every connection: the server itself ends the query."""
    limited = app_factory(DATABASE_STATEMENT_TIMEOUT_MS=50)
    with limited.app_context():
        assert db.session.execute(sa.text("SHOW statement_timeout")).scalar() == "50ms"
        with pytest.raises(sa.exc.OperationalError, match="statement timeout"):
            db.session.execute(sa.text("SELECT pg_sleep(5)"))
        db.session.rollback()


@pytest.mark.sqlite_only
def test_healthz_reports_a_database_that_cannot_write(tmp_path, instance_dir, migrated_database):
    """A SQLite file that became read-only answers reads, but /healthz says it cannot work (503)."""
    import shutil
    import stat

    from tests.helpers import make_test_config

    copy = tmp_path / "read-only.db"
    shutil.copy(migrated_database.removeprefix("sqlite:///"), copy)
    copy.chmod(stat.S_IRUSR | stat.S_IRGRP)
    # (root writes past file permissions: the file is opened read-only as well)
    read_only = create_app(make_test_config(f"sqlite:///file:{copy}?mode=ro&uri=true", instance_dir))
    response = read_only.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json() == {"status": "error", "database": "read-only"}
    with read_only.app_context():
        db.engine.dispose()


def test_production_sends_hsts_and_development_does_not(app, client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    app.config["FNT_ENV"] = "production"
    assert client.get("/healthz").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_template_probe_renders_the_layout_without_reading_the_database(app, client):
    """The floor the load benchmark compares the pages with: a page, and not one SQL statement."""
    statements = []

    def note(connection, cursor, statement, *rest):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        response = client.get("/sante/gabarit")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<h1>Sonde</h1>" in page and "Se connecter" in page
    assert statements == []


def test_redis_rate_limits_without_the_redis_client_are_refused_at_start(tmp_path, monkeypatch):
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    assert load_settings(tmp_path)["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    monkeypatch.setitem(sys.modules, "redis", None)  # as on an install without the redis extra
    with pytest.raises(ConfigurationError, match=r"pip install 'fnt-partage\[redis\]'"):
        load_settings(tmp_path)


def test_rate_limit_keys_take_a_prefix_from_the_environment(tmp_path, monkeypatch):
    """Two instances on one Redis database count apart."""
    monkeypatch.setenv("RATELIMIT_KEY_PREFIX", "fnt-essai")
    assert load_settings(tmp_path)["RATELIMIT_KEY_PREFIX"] == "fnt-essai"
