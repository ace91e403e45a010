"""A member's agreements and invoices through the API: the lists, and the PDFs read back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from tests.factories.agreements import approve
from tests.factories.billing import make_billing_world, paid_booking
from tests.helpers import moment, pdf_text


@pytest.fixture()
def billing_world(app):
    return make_billing_world()


def test_a_member_lists_their_agreements_and_invoices_and_downloads_their_pdfs(client, billing_world, monday, bearer):
    world = billing_world
    booking = paid_booking(world.space, world.borrower, moment(monday + timedelta(days=1), 9), price_cents=5000)
    approve(booking, actor=world.manager)
    db.session.commit()
    headers = bearer(world.borrower)

    agreements = client.get("/api/v1/me/agreements", headers=headers).get_json()
    assert agreements["total"] == 1
    agreement = agreements["items"][0]
    assert agreement["status"] == "issued" and agreement["venue"] == world.venue.slug
    pdf = client.get(agreement["pdf_url"], headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert agreement["number"] in pdf_text(pdf.get_data())

    invoices = client.get("/api/v1/me/invoices", headers=headers).get_json()
    assert [(i["kind"], i["total_cents"]) for i in invoices["items"]] == [("invoice", 5000)]
    invoice = invoices["items"][0]
    assert invoice["due_cents"] == 5000 and invoice["state"] in ("unpaid", "overdue")
    document = client.get(invoice["pdf_url"], headers=headers)
    assert document.status_code == 200
    assert f"Facture n° {invoice['number']}" in pdf_text(document.get_data())

    stranger = bearer(world.other_member)
    assert client.get("/api/v1/me/invoices", headers=stranger).get_json()["items"] == []
    assert client.get(invoice["pdf_url"], headers=stranger).status_code == 404
    assert client.get(agreement["pdf_url"], headers=stranger).status_code == 404
