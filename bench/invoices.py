"""Benchmark of the invoices: issuing one invoice's Factur-X PDF (WeasyPrint PDF/A-3, the EN 16931
XML built with drafthorse, checked against its schema, embedded by factur-x).

Usage (from the project folder):

    .venv/bin/python bench/invoices.py           # 30 timed renderings after 3 warm-ups
    .venv/bin/python bench/invoices.py --quick   # 10
    .venv/bin/python bench/invoices.py --json    # the last line is one JSON object with the figures

It builds the billing world of the tests (``tests.factories.billing``: a venue with its billing
identity, a borrower) on a temporary SQLite database migrated as in production, approves a paid
booking the way the booking engine does (the invoice is issued at the commit), then times
``rendering.render_pdf``. Figures: median and 95th percentile in milliseconds. Target: median < 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

# This folder holds http.py (bench/http.py), which would hide the standard library's http package.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer timed renderings")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args()
    runs = 10 if args.quick else 30
    with tempfile.TemporaryDirectory(prefix="fnt-bench-invoices-") as folder:
        os.environ["FNT_INSTANCE_PATH"] = folder
        from flask_migrate import upgrade
        from sqlalchemy import select

        from app import create_app
        from app.billing import rendering
        from app.billing.models import Invoice
        from app.extensions import db
        from tests.factories.agreements import approve, paris
        from tests.factories.billing import make_billing_world, paid_booking

        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.db'}",
                "SECRET_KEY": "bench",
                "CHECK_MIGRATIONS": False,
                "RATELIMIT_ENABLED": False,
                "MAIL_ECHO": False,
                "SMTP_HOST": "",
                "OUTBOX_DELIVER_ON_COMMIT": False,
                "OUTBOX_DIR": str(Path(folder) / "outbox"),
                "TESTING": True,
            }
        )
        with app.app_context():
            upgrade()
            world = make_billing_world()
            approve(paid_booking(world.space, world.borrower, paris(2027, 3, 1, 9)), actor=world.manager)
            db.session.commit()
            invoice = db.session.scalar(select(Invoice))
            for _ in range(3):
                rendering.render_pdf(invoice)
            durations = []
            for _ in range(runs):
                started = time.perf_counter()
                rendering.render_pdf(invoice)
                durations.append((time.perf_counter() - started) * 1000)
            db.session.remove()
            db.engine.dispose()
    figures = {
        "invoice_pdf": {
            "median_ms": round(statistics.median(durations), 1),
            "p95_ms": round(percentile(durations, 0.95), 1),
            "runs": runs,
        },
        "target_median_ms": 300,
    }
    print(
        f"invoice Factur-X PDF: median {figures['invoice_pdf']['median_ms']} ms, p95 {figures['invoice_pdf']['p95_ms']} ms"
    )
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
