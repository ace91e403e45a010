"""Static files: URLs that carry each file's hash, served by WhiteNoise with long caching and
compression.

``url_for('static', filename='css/app.css')`` gives ``/static/css/app.<12 hex>.css``: the name
changes whenever the content does, so browsers and proxies may keep a file for ten years
(``Cache-Control: immutable``). The plain name still answers, cached for an hour, for what
refers to a file without ``url_for``. A build of the package (``pip install .``) ships a
gzip copy of each text file beside it (``setup.py``); WhiteNoise sends it to browsers that
accept it. In debug mode files are read afresh on every request and not renamed.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise

HASH_LENGTH = 12
PLAIN_MAX_AGE = 3600  # seconds, for a file asked for by its plain name
COMPRESSED_SUFFIXES = (".gz", ".br")
# Types WhiteNoise does not know (the web app manifest, linked from every page).
EXTRA_TYPES = {".webmanifest": "application/manifest+json"}
_HASHED_NAME = re.compile(rf"\.[0-9a-f]{{{HASH_LENGTH}}}(\.[^./]+)?$")


def hashed_name(relative: str, digest: str) -> str:
    """``css/app.css`` → ``css/app.<digest>.css`` (the digest before the last suffix)."""
    folder, _, name = relative.rpartition("/")
    stem, dot, suffix = name.rpartition(".")
    named = f"{stem}.{digest}.{suffix}" if dot and stem else f"{name}.{digest}"
    return f"{folder}/{named}" if folder else named


def digests(root: Path) -> dict[str, str]:
    """Each file under ``root`` (compressed copies aside) with the start of its SHA-256."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.endswith(COMPRESSED_SUFFIXES) and not path.name.startswith("."):
            found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]
    return found


def init_static_files(app: Flask) -> None:
    root = Path(app.static_folder or "")
    prefix = (app.static_url_path or "/static").rstrip("/") + "/"
    if app.debug:
        fresh = WhiteNoise(app.wsgi_app, root=root, prefix=prefix, autorefresh=True, max_age=0, mimetypes=EXTRA_TYPES)
        app.wsgi_app = fresh  # type: ignore[method-assign]
        return

    served = WhiteNoise(
        app.wsgi_app,
        root=root,
        prefix=prefix,
        max_age=PLAIN_MAX_AGE,
        mimetypes=EXTRA_TYPES,
        immutable_file_test=lambda _path, url: bool(_HASHED_NAME.search(url)),
    )
    names = {}
    for relative, digest in digests(root).items():
        names[relative] = hashed_name(relative, digest)
        served.add_file_to_dictionary(prefix + names[relative], str(root / relative))
    app.wsgi_app = served  # type: ignore[method-assign]
    app.extensions["static_names"] = names

    @app.url_defaults
    def _hashed_static_url(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") in names:
            values["filename"] = names[values["filename"]]
