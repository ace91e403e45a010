"""The deployment files under ``deploy/`` name commands, options and settings that exist."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from app.config import load_settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VENV_BIN = "/opt/fnt-partage/venv/bin/"
OUR_BIN = Path(sys.executable).parent

pytestmark = pytest.mark.sqlite_only  # files, not data: once is enough


def _unit(path: Path) -> dict[tuple[str, str], list[str]]:
    """systemd's format: sections, and keys that may repeat (ExecStart of a oneshot)."""
    entries: dict[tuple[str, str], list[str]] = {}
    section = ""
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        entries.setdefault((section, key), []).append(value)
    return entries


def _commands(command_line: str) -> list[list[str]]:
    """The programs a command line runs (a shell's ``-c`` script opened up), systemd's ``$$`` and
    ``%%`` read as the shell gets them."""
    words = shlex.split(command_line.replace("$$", "$").replace("%%", "%"))
    if words[0] == "/bin/sh" and words[1] == "-c":
        return [shlex.split(words[2].split("$(")[0])]
    return [words]


def _check_flask_command(app, words: list[str]) -> None:
    assert words[:2] == ["--app", "app"], words
    words = words[2:]
    command: click.Command | None = app.cli
    context = click.Context(app.cli, info_name="flask")
    while isinstance(command, click.Group):
        name, words = words[0], words[1:]
        command = command.get_command(context, name)
        assert command is not None, f"no flask command {name!r}"
    command.make_context(command.name, list(words))  # its arguments and options parse


def test_every_unit_runs_a_command_that_exists(app):
    services = sorted((DEPLOY / "systemd").glob("*.service"))
    assert {path.name for path in services} >= {"fnt-partage.service", "fnt-partage-outbox.service"}
    for service in services:
        unit = _unit(service)
        assert unit[("Service", "User")] == ["fnt-partage"], service.name
        assert unit[("Service", "Environment")] == ["FNT_ENV_FILE=/etc/fnt-partage/fnt-partage.env"], service.name
        for line in unit[("Service", "ExecStart")] + unit.get(("Service", "ExecReload"), []):
            for words in _commands(line):
                program = words[0]
                if program.startswith(VENV_BIN):
                    name = program.removeprefix(VENV_BIN)
                    assert (OUR_BIN / name).exists(), f"{service.name}: {name} is not installed by the package"
                    if name == "flask":
                        _check_flask_command(app, words[1:])
                    elif name == "gunicorn":
                        assert words[1:] == ["-c", "python:app.gunicorn_conf", "app.wsgi:app"], words
                else:
                    assert shutil.which(Path(program).name), f"{service.name}: {program}"


def test_every_timer_starts_a_oneshot_service_of_its_name():
    timers = sorted((DEPLOY / "systemd").glob("*.timer"))
    assert {timer.stem for timer in timers} == {
        "fnt-partage-reminders",
        "fnt-partage-digest",
        "fnt-partage-agreements",
        "fnt-partage-purge",
        "fnt-partage-backup",
    }
    for timer in timers:
        assert _unit(timer)[("Timer", "OnCalendar")], timer.name
        service = _unit(timer.with_suffix(".service"))
        assert service[("Service", "Type")] == ["oneshot"], timer.name
    verify = shutil.which("systemd-analyze")
    if verify:
        for timer in timers:
            checked = subprocess.run(
                [verify, "calendar", _unit(timer)[("Timer", "OnCalendar")][0]], capture_output=True, text=True
            )
            assert checked.returncode == 0, (timer.name, checked.stderr)


def test_gunicorn_loads_the_packaged_settings_and_app(database_url, tmp_path):
    environment = dict(os.environ) | {
        "DATABASE_URL": database_url,
        "FNT_ENV_FILE": "",
        "FNT_INSTANCE_PATH": str(tmp_path),
    }
    checked = subprocess.run(
        [str(OUR_BIN / "gunicorn"), "--check-config", "-c", "python:app.gunicorn_conf", "app.wsgi:app"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stderr


def test_the_command_wrapper_runs_flask_with_the_environment_file(app, database_url, tmp_path):
    script = DEPLOY / "fnt-partage"
    assert subprocess.run(["sh", "-n", str(script)]).returncode == 0
    env_file = tmp_path / "fnt-partage.env"
    env_file.write_text(f"FNT_INSTANCE_PATH={tmp_path / 'instance'}\nDATABASE_URL={database_url}\n")
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FNT_INSTANCE_PATH")}
    environment |= {
        "FNT_ENV_FILE": str(env_file),
        "FNT_VENV": str(OUR_BIN.parent),
        "FNT_USER": subprocess.check_output(["id", "-un"], text=True).strip(),
    }
    ran = subprocess.run([str(script), "outbox", "dead"], env=environment, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr


def test_the_environment_file_example_names_settings_the_app_reads():
    source = "\n".join(path.read_text() for path in (ROOT / "app").rglob("*.py"))
    names = re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (DEPLOY / "fnt-partage.env.example").read_text(), re.MULTILINE)
    assert {"FNT_ENV", "DATABASE_URL", "SECRET_KEY", "MAIL_SENDER", "SMTP_HOST", "AGREEMENT_SEAL_KEY"} <= set(names)
    for name in names:
        assert f'"{name}"' in source, f"{name} is read by nothing"


def test_nginx_site_matches_the_app(tmp_path, monkeypatch):
    site = (DEPLOY / "nginx" / "fnt-partage.conf").read_text()
    monkeypatch.delenv("MAX_CONTENT_LENGTH", raising=False)
    limit = load_settings(tmp_path)["MAX_CONTENT_LENGTH"]
    assert f"client_max_body_size {limit // (1024 * 1024)}m;" in site
    for directive in (
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header X-Forwarded-Host $host;",
        'add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;',
        "listen 443 ssl http2;",  # not "http2 on;": unknown to nginx 1.22 (Debian 12) and 1.24 (Ubuntu 24.04)
        "access_log /var/log/nginx/fnt-partage.access.log;",
        "server 127.0.0.1:8000",
    ):
        assert directive in site, directive
    assert "http2 on;" not in site
    assert "PROXY_COUNT=1" in (DEPLOY / "fnt-partage.env.example").read_text()


def test_the_guide_names_every_file_and_the_readme_links_it():
    guide = (ROOT / "docs" / "deploy.md").read_text()
    for path in DEPLOY.rglob("*"):
        if path.is_file():
            assert path.name in guide, path.name
    assert "docs/deploy.md" in (ROOT / "README.md").read_text()
