"""``pip install .`` from a fresh clone gives a working app: English pages in English (the
catalogues are compiled in the build), its migrations, and compressed static files.

The package is built from a copy of the source tree without any compiled catalogue, and
installed into a new virtual environment; the libraries it depends on come from the test's own
environment (a path entry), so nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LEFT_OUT = shutil.ignore_patterns(
    ".git",
    ".venv",
    "instance",
    "__pycache__",
    "*.pyc",
    "*.mo",
    "*.egg-info",
    "build",
    "dist",
    "bench",
    "tests",
    ".hypothesis",
    ".pytest_cache",
    ".import_linter_cache",
    "*.gz",
    "*.br",
    "_migrations",
    "_docs",
)

# Run once: it does not depend on the database the suite runs on.
pytestmark = pytest.mark.sqlite_only

CHECK = textwrap.dedent(
    """
    import json, subprocess, sys
    import app
    from app import create_app

    upgraded = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"], capture_output=True,
                              text=True)
    application = create_app({"WTF_CSRF_ENABLED": False})
    client = application.test_client()
    french = client.get("/").get_data(as_text=True)
    client.post("/langue", data={"locale": "en"})
    english = client.get("/").get_data(as_text=True)
    import re
    address = re.search(r'href="(/static/css/app\\.[0-9a-f]{12}\\.css)"', english).group(1)
    compressed = client.get(address, headers={"Accept-Encoding": "gzip"})
    privacy = client.get("/confidentialite")
    print(json.dumps({
        "package": app.__file__,
        "upgrade": upgraded.returncode, "upgrade_error": upgraded.stderr[-500:],
        "english": english, "french": french,
        "encoding": compressed.headers.get("Content-Encoding"),
        "privacy": privacy.status_code,
    }))
    """
)


def test_a_built_package_speaks_english_and_migrates(tmp_path):
    source = tmp_path / "clone"
    shutil.copytree(ROOT, source, ignore=LEFT_OUT)
    assert not list(source.rglob("*.mo"))

    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("fnt_partage-*.whl"))

    environment_dir = tmp_path / "venv"
    venv.create(environment_dir, with_pip=False)
    python = environment_dir / "bin" / "python"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    site_packages = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    (site_packages / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    instance = tmp_path / "instance"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("FNT_", "DATABASE_URL", "FLASK_"))}
    environment |= {"FNT_INSTANCE_PATH": str(instance), "DATABASE_URL": f"sqlite:///{instance / 'fnt.db'}"}
    run = subprocess.run(
        [str(python), "-c", CHECK], cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])

    assert seen["package"].startswith(str(site_packages)), seen["package"]
    assert seen["upgrade"] == 0, seen["upgrade_error"]
    assert 'lang="en"' in seen["english"] and "Log in" in seen["english"] and "Se connecter" not in seen["english"]
    assert "Se connecter" in seen["french"]
    assert seen["encoding"] == "gzip"
    assert seen["privacy"] == 200
