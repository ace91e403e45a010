"""The per-address limits are counted in one place for every worker when they share Redis.

The log-in limit (20 tries per 10 minutes per address) is checked by two processes that stand
for two gunicorn workers: what one counted, the other sees. Skipped, saying so, without Redis.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import uuid

import pytest

REDIS = ("127.0.0.1", 6379)


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason="Redis does not answer on 127.0.0.1:6379")

WORKER = textwrap.dedent(
    """
    import json, pathlib, sys
    from tests.helpers import BrowserLikeClient, make_test_config
    from app import create_app

    database_url, instance_dir, storage, prefix, tries = sys.argv[1:]
    config = make_test_config(database_url, pathlib.Path(instance_dir), RATELIMIT_ENABLED=True,
                              RATELIMIT_STORAGE_URI=storage, RATELIMIT_KEY_PREFIX=prefix)
    app = create_app(config)
    app.test_client_class = BrowserLikeClient
    with app.app_context():
        client = app.test_client()
        form = {"email": "personne@example.org", "password": "pas le bon mot de passe"}
        print(json.dumps([client.submit("/compte/connexion", form).status_code for _ in range(int(tries))]))
    """
)


def test_two_workers_share_the_log_in_limit_of_an_address(migrated_database, instance_dir):
    """Two processes, as two gunicorn workers: the second sees the tries the first counted."""
    storage, prefix = f"redis://{REDIS[0]}:{REDIS[1]}/0", f"fnt-test-{uuid.uuid4().hex}"

    def worker(tries: int) -> list[int]:
        done = subprocess.run(
            [sys.executable, "-c", WORKER, migrated_database, str(instance_dir), storage, prefix, str(tries)],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ | {"PYTHONPATH": os.getcwd()},
            timeout=60,
        )
        return json.loads(done.stdout.splitlines()[-1])

    assert worker(15) == [422] * 15
    # 15 tries counted by the first worker, 5 more here make 20: the 21st is refused.
    assert worker(6) == [422] * 5 + [429]
