"""Static files: hashed URLs, long caching for them, compression when a compressed copy exists."""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
from pathlib import Path

from whitenoise.compress import Compressor

import app as app_package
from app.core.static_files import hashed_name

STATIC = Path(app_package.__file__).parent / "static"


def _stylesheet(page: str) -> str:
    return re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page).group(1)


def test_pages_name_static_files_by_their_content_and_browsers_keep_them(client):
    address = _stylesheet(client.get("/").get_data(as_text=True))
    digest = hashlib.sha256((STATIC / "css" / "app.css").read_bytes()).hexdigest()[:12]
    assert address == f"/static/css/app.{digest}.css"
    with client.get(address) as sheet:
        assert sheet.status_code == 200
        assert sheet.headers["Cache-Control"] == "max-age=315360000, public, immutable"
        assert sheet.headers["Content-Type"].startswith("text/css")
        assert sheet.get_data() == (STATIC / "css" / "app.css").read_bytes()
    with client.get("/static/css/app.css") as plain:  # the plain name: cached an hour only
        assert plain.status_code == 200 and plain.headers["Cache-Control"] == "max-age=3600, public"
    assert client.get("/static/css/app.0123456789ab.css").status_code == 404  # an old version


def test_a_compressed_copy_is_sent_to_browsers_that_accept_it(app_factory, tmp_path):
    static = tmp_path / "static"
    shutil.copytree(STATIC, static)
    Compressor(quiet=True, use_brotli=False).compress(str(static / "css" / "app.css"))
    client = app_factory(STATIC_FOLDER=str(static)).test_client()
    address = _stylesheet(client.get("/").get_data(as_text=True))
    with client.get(address, headers={"Accept-Encoding": "gzip, deflate"}) as sheet:
        assert sheet.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in sheet.headers["Vary"]
        assert gzip.decompress(sheet.get_data()) == (static / "css" / "app.css").read_bytes()
    with client.get(address) as sheet:
        assert "Content-Encoding" not in sheet.headers


def test_hashed_names():
    assert hashed_name("css/app.css", "0a1b2c3d4e5f") == "css/app.0a1b2c3d4e5f.css"
    assert (
        hashed_name("vendor/htmx/htmx-2.0.11.min.js", "0a1b2c3d4e5f") == "vendor/htmx/htmx-2.0.11.min.0a1b2c3d4e5f.js"
    )
    assert hashed_name("LICENSE", "0a1b2c3d4e5f") == "LICENSE.0a1b2c3d4e5f"
