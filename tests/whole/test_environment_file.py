"""One environment file per instance, read by the app, every ``flask`` command, the worker and cron."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import ConfigurationError
from app.config import load_environment_file, load_settings
from app.extensions import db
from tests.factories import make_user

FLASK = Path(sys.executable).with_name("flask")


def test_the_instance_file_is_read_and_the_real_environment_wins(tmp_path, monkeypatch):
    for name in ("FNT_ENV_FILE", "BASE_URL", "MAIL_SENDER"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "fnt-partage.env").write_text(
        "# the consortium's settings\n"
        "BASE_URL=https://partage.la-machinerie.fr\n"
        'MAIL_SENDER="FNT Partage <partage@la-machinerie.fr>"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("MAIL_SENDER", "Essai <essai@la-machinerie.fr>")  # set by the service: it wins
    assert load_environment_file(tmp_path) == tmp_path / "fnt-partage.env"
    settings = load_settings(tmp_path)
    assert settings["BASE_URL"] == "https://partage.la-machinerie.fr"
    assert settings["MAIL_SENDER"] == "Essai <essai@la-machinerie.fr>"


def test_a_named_file_must_exist_and_an_empty_name_reads_none(tmp_path, monkeypatch):
    monkeypatch.setenv("FNT_ENV_FILE", str(tmp_path / "absent.env"))
    with pytest.raises(ConfigurationError, match=r"FNT_ENV_FILE=.*absent\.env: no such file"):
        load_environment_file(tmp_path)
    (tmp_path / "fnt-partage.env").write_text("BASE_URL=https://ignored.example.fr\n")
    monkeypatch.setenv("FNT_ENV_FILE", "")
    monkeypatch.delenv("BASE_URL", raising=False)
    assert load_environment_file(tmp_path) is None
    assert "BASE_URL" not in os.environ


def test_a_flask_command_reads_the_file_from_any_folder(app, database_url, tmp_path):
    """What cron and systemd run: `flask users list` with nothing but FNT_ENV_FILE set, from
    another folder, finds the instance's database named in the file."""
    make_user("lue@example.org", "Lou Fichier")
    db.session.commit()
    env_file = tmp_path / "etc" / "fnt-partage.env"
    env_file.parent.mkdir()
    instance = tmp_path / "var" / "fnt-partage"
    env_file.write_text(
        f"FNT_INSTANCE_PATH={instance}\nDATABASE_URL={database_url}\nCHECK_MIGRATIONS=0\n", encoding="utf-8"
    )
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FLASK_APP", "FNT_INSTANCE_PATH")}
    environment |= {"FNT_ENV_FILE": str(env_file)}
    listed = subprocess.run(
        [str(FLASK), "--app", "app", "users", "list"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    assert "lue@example.org" in listed.stdout
    assert (instance / "secret_key").is_file()  # the instance folder named in the file
