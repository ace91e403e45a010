"""Instructions per request of the pages ``bench/http.py`` measures, counted by valgrind's callgrind.

Usage (from the project folder):

    .venv/bin/python bench/instructions.py                 # n=20 requests a page, 1,000 bookings
    .venv/bin/python bench/instructions.py --quick         # n=3, 200 bookings: about a minute
    .venv/bin/python bench/instructions.py --pages week desk -n 10
    .venv/bin/python bench/instructions.py --json          # the figures as one JSON object, last line

Wall-clock and CPU times move by half from one run to the next on a shared 2-core machine; the
instructions a request executes do not (the same total twice, to the thousand, whatever else the
machine is doing): this is the figure to compare two versions of a page by, one run each. It is
not a speed (a cache miss costs more than an instruction), and it counts the app's process only
(on SQLite, the database's work included; not gunicorn's, which the bare route carries as much as
any page).

The data are ``bench/http.py``'s, on SQLite in a temporary folder (migrations, the demo consortium,
the measured room's bookings, the desk's pending requests). A second process, run under
``valgrind --tool=callgrind --instr-atstart=no`` with ``PYTHONHASHSEED=0``, builds the app of
``bench/http_wsgi.py``, logs the demo member and the manager in through Flask's test client, and
for each page asks it 10 times uncounted (templates compiled, statements built), then ``-n`` times
between two callgrind client requests (a small C library compiled here: callgrind's macros are C).
It prints each page's instructions per request and its multiple of the bare route's.

Needs valgrind, its headers (``valgrind/callgrind.h``, Debian's valgrind package) and a C compiler.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode, urlsplit

HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

from bench import http as bench_http  # noqa: E402  (the project folder first on the path)
from bench import load  # noqa: E402

PAGES = ("bare", "week", "resource", "catalogue", "desk", "book_form")
WARM_UP = 10
SHIM = """#include <valgrind/callgrind.h>
void measure_start(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void measure_stop(const char *name) { CALLGRIND_STOP_INSTRUMENTATION; CALLGRIND_DUMP_STATS_AT(name); }
"""


def missing_tools() -> str | None:
    if not shutil.which("valgrind"):
        return "valgrind is not installed (Debian: apt-get install valgrind)"
    if not (shutil.which("cc") or shutil.which("gcc")):
        return "no C compiler (cc or gcc) to build callgrind's client requests"
    return None


def build_shim(folder: Path) -> Path:
    source, library = folder / "measure.c", folder / "libmeasure.so"
    source.write_text(SHIM)
    compiler = shutil.which("cc") or shutil.which("gcc")
    done = subprocess.run([compiler, "-O2", "-shared", "-fPIC", "-o", library, source], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"cannot build the callgrind shim (valgrind/callgrind.h missing?):\n{done.stderr}")
    return library


def page_paths(facts: dict) -> dict[str, tuple[str, str, dict]]:
    """Each page: who asks (member or manager), its path, its extra headers."""
    rid = facts["resource_id"]
    debut, fin = facts["period"]
    starts_at, ends_at = facts["free_slots"][0]
    return {
        "bare": ("member", bench_http.BARE_PATH, {}),
        "week": ("member", f"/ressources/{rid}?semaine={facts['week']}", bench_http.HTMX_WEEK),
        "resource": ("member", f"/ressources/{rid}", {}),
        "catalogue": ("member", "/ressources/?" + urlencode({"debut": debut, "fin": fin}), {}),
        "desk": ("manager", "/gestion/demandes", {}),
        "book_form": ("member", f"/ressources/{rid}/reserver?" + urlencode({"debut": starts_at, "fin": ends_at}), {}),
    }


def measure(facts_file: Path, library: Path, pages: list[str], count: int) -> None:
    """In the process callgrind runs: each page asked ``count`` times between two client requests."""
    import ctypes

    from werkzeug.datastructures import MultiDict

    from bench.http_wsgi import create_bench_app

    facts = json.loads(facts_file.read_text())
    shim = ctypes.CDLL(str(library))
    app = create_bench_app()
    headers = {"Accept-Language": "fr"}

    def logged_in(email: str):
        client = app.test_client()
        page = client.get("/compte/connexion", headers=headers)
        form = load.form_to(page.get_data(as_text=True), "/compte/connexion")
        answer = client.post("/compte/connexion", data=MultiDict(form.values(email=email, password=facts["password"])))
        if answer.status_code != 303:
            raise SystemExit(f"{email} could not log in ({answer.status_code})")
        client.get(urlsplit(answer.headers.get("Location", "/")).path or "/", headers=headers)
        return client

    clients = {"member": logged_in(facts["member"]), "manager": logged_in(facts["manager"])}
    paths = page_paths(facts)
    for name in pages:
        who, path, extra = paths[name]
        client, asked = clients[who], {**headers, **extra}
        for _ in range(WARM_UP):
            answer = client.get(path, headers=asked)
            if answer.status_code != 200:
                raise SystemExit(f"{name}: {path} answered {answer.status_code}")
        shim.measure_start()
        for _ in range(count):
            client.get(path, headers=asked)
        shim.measure_stop(f"page:{name}".encode())


def read_dumps(folder: Path) -> dict[str, int]:
    """The instructions of each page's dump (``totals:``), by the name its client request gave."""
    totals = {}
    for dump in folder.glob("callgrind.out.*"):
        text = dump.read_text(errors="replace")
        named = re.search(r"^desc: Trigger: Client Request: page:(\w+)$", text, re.M)
        total = re.search(r"^totals: (\d+)", text, re.M)
        if named and total:
            totals[named.group(1)] = int(total.group(1))
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n=3 and 200 bookings (about a minute)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object on the last line")
    parser.add_argument("-n", type=int, help="counted requests a page (20; --quick 3)")
    parser.add_argument("--bookings", type=int, help="approved bookings on the measured room (1,000; --quick 200)")
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=list(PAGES), help="the pages (default: all)")
    parser.add_argument("--child", nargs=2, metavar=("FACTS", "LIBRARY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    count = args.n or (3 if args.quick else 20)
    if args.child:
        measure(Path(args.child[0]), Path(args.child[1]), args.pages, count)
        return 0
    problem = missing_tools()
    if problem:
        print(f"bench/instructions.py: {problem}", file=sys.stderr)
        return 2
    bookings = args.bookings or (200 if args.quick else 1000)
    pages = ["bare", *[page for page in args.pages if page != "bare"]]  # the yardstick always
    saved = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="fnt-instructions-") as temporary:
        folder = Path(temporary)
        url = f"sqlite:///{folder / 'fnt.db'}"
        try:
            os.environ.update(bench_http.environment(folder, url))
            print(f"SQLite in {folder}: migrations, demo data, {bookings:,} bookings…", file=sys.stderr)
            load.flask("db", "upgrade")
            load.flask("demo", "load")
            facts = bench_http.in_fresh_process(bench_http.prepare, url, bookings, 1)
            facts_file = folder / "facts.json"
            facts_file.write_text(json.dumps(facts))
            library = build_shim(folder)
            dumps = folder / "dumps"
            dumps.mkdir()
            print(f"callgrind: {len(pages)} pages, {count} requests each…", file=sys.stderr)
            command = [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={dumps / 'callgrind.out.%p'}",
                sys.executable,
                str(Path(__file__).resolve()),
                "--child",
                str(facts_file),
                str(library),
                "-n",
                str(count),
                "--pages",
                *pages,
            ]
            done = subprocess.run(
                command, env={**os.environ, "PYTHONHASHSEED": "0"}, capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                print(done.stdout[-2000:], done.stderr[-4000:], sep="\n", file=sys.stderr)
                return 1
            totals = read_dumps(dumps)
        finally:
            os.environ.clear()
            os.environ.update(saved)
    if set(pages) - set(totals):
        print(f"no callgrind figures for {sorted(set(pages) - set(totals))}", file=sys.stderr)
        return 1
    per_request = {page: round(totals[page] / count / 1e6, 3) for page in pages}
    bare = per_request["bare"]
    results = {
        "benchmark": "instructions",
        "quick": args.quick,
        "bookings": bookings,
        "requests_per_page": count,
        "code": bench_http.code_version(),
        "millions_per_request": per_request,
        "times_bare": {page: round(value / bare, 2) for page, value in per_request.items()},
    }
    print(f"instructions per request (millions), SQLite, {bookings:,} bookings, n={count} a page:")
    for page in pages:
        print(f"  {page:10} {per_request[page]:8.2f}   × bare {results['times_bare'][page]:5.2f}")
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
