"""The Factur-X file read back (its text and its embedded XML, validated against the EN 16931
schema), a venue's identity set by its manager, an offline partial payment and the CSV export."""

from __future__ import annotations

from facturx import get_xml_from_pdf, xml_check_xsd
from lxml import etree
from sqlalchemy import select

from app.billing.models import BillingIdentity, Invoice
from app.core.clock import paris_today
from app.extensions import db
from app.models import OrganisationKind, PaymentStatus
from tests.factories.agreements import approve, cancel, make_world, paris
from tests.factories.billing import paid_booking
from tests.helpers import audit_actions, log_in, page_text, pdf_text, text_of


def test_the_factur_x_file_carries_every_mention_and_its_xml_validates(client, world):
    world.organisation.kind = OrganisationKind.COMPANY
    booking = paid_booking(world.space, world.borrower, paris(2027, 3, 1, 9), price_cents=5000)
    approve(booking, actor=world.manager)
    db.session.commit()
    cancel(booking, actor=world.manager)  # and a credit note, read back too
    db.session.commit()
    invoice, note = db.session.scalars(select(Invoice).order_by(Invoice.id)).all()
    log_in(client, world.borrower)

    response = client.get(f"/factures/{invoice.id}/pdf")
    assert response.status_code == 200
    data = response.get_data()
    text = pdf_text(data)
    for mention in (
        f"Facture n° {invoice.number}",
        "Association La Briqueterie",
        "SIRET : 73282932000074",
        "Les Jardins Partagés",
        "Échéance",
        "Grande salle",
        "Total TTC",
        "TVA non applicable, art. 293 B du CGI",
        "Pénalités de retard",
        "40 €",
        invoice.transfer_reference,
    ):
        assert mention in text, mention
    filename, xml = get_xml_from_pdf(data, check_xsd=False)
    assert filename == "factur-x.xml"
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    root = etree.fromstring(xml)
    ns = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}
    assert root.findtext(".//ram:GrandTotalAmount", namespaces=ns) == "50.00"

    note_pdf = client.get(f"/factures/{note.id}/pdf").get_data()
    assert f"Avoir n° {note.number}" in pdf_text(note_pdf)
    _, note_xml = get_xml_from_pdf(note_pdf, check_xsd=False)
    assert xml_check_xsd(note_xml, flavor="factur-x", level="en16931")
    assert b"381" in note_xml and invoice.number.encode() in note_xml


def test_a_manager_sets_the_identity_with_its_checks(client, app):
    world = make_world()
    log_in(client, world.manager)
    url = f"/gestion/lieux/{world.venue.slug}/facturation"
    form = {
        "legal_name": "Association La Briqueterie",
        "street": "10 rue des Briques",
        "postal_code": "80080",
        "city": "Amiens",
        "siret": "73282932000075",  # a wrong key
        "vat_exempt": "y",
        "exemption_wording": "TVA non applicable, art. 293 B du CGI",
        "iban": "FR7630006000011234567890189",
        "bic": "AGRIFRPP",
        "payment_terms_days": "30",
    }
    refused = client.submit(url, form)
    assert refused.status_code == 422
    assert "Ce numéro SIRET n'est pas valable" in page_text(refused)
    assert db.session.get(BillingIdentity, world.venue.id) is None
    done = client.submit(url, {**form, "siret": "732 829 320 00074"})
    assert done.status_code == 303
    identity = db.session.get(BillingIdentity, world.venue.id)
    assert (identity.siret, identity.vat_exempt) == ("73282932000074", True)
    assert audit_actions("billing_identity", world.venue.id) == ["created"]
    assert identity.invoicing == "at_approval"  # the default
    assert client.submit(url, {**form, "siret": "73282932000074", "invoicing": "chaque-jour"}).status_code == 422
    monthly = client.submit(url, {**form, "siret": "73282932000074", "invoicing": "monthly"})
    assert monthly.status_code == 303
    db.session.expire_all()
    assert db.session.get(BillingIdentity, world.venue.id).invoicing == "monthly"
    assert audit_actions("billing_identity", world.venue.id) == ["created", "updated"]


def test_partial_offline_payments_settle_the_invoice_and_the_csv_lists_it(client, world):
    booking = paid_booking(world.space, world.borrower, paris(2027, 3, 1, 9), price_cents=5000)
    approve(booking, actor=world.manager)
    db.session.commit()
    invoice = db.session.scalar(select(Invoice))
    log_in(client, world.manager)
    page = f"/factures/{invoice.id}"
    url = f"/gestion/factures/{invoice.id}/paiements"
    today = paris_today().isoformat()
    too_much = client.submit(url, {"method": "cheque", "amount": "60", "received_on": today}, page=page)
    assert too_much.status_code == 422
    assert "Le montant dépasse ce qui reste dû" in page_text(too_much)
    first = client.submit(
        url, {"method": "cheque", "amount": "20", "received_on": today, "reference": "n° 123"}, page=page
    )
    assert first.status_code == 303
    db.session.expire_all()
    assert db.session.get(type(booking), booking.id).payment_status == PaymentStatus.PENDING
    unpaid = client.get(f"/gestion/lieux/{world.venue.slug}/factures?state=unpaid")
    assert invoice.number in page_text(unpaid)
    client.submit(url, {"method": "transfer", "amount": "30", "received_on": today}, page=page)
    db.session.expire_all()
    assert db.session.get(type(booking), booking.id).payment_status == PaymentStatus.PAID
    assert audit_actions("invoice", invoice.id) == ["issued", "payment_recorded", "payment_recorded", "paid"]
    assert invoice.number not in page_text(client.get(f"/gestion/lieux/{world.venue.slug}/factures?state=unpaid"))

    csv = client.get(f"/gestion/lieux/{world.venue.slug}/factures.csv").get_data(as_text=True)
    header, row = csv.lstrip("\ufeff").strip().splitlines()
    assert header == "numero;date;client;net;tva;total;paye;moyen;date_paiement"
    assert (
        row
        == f"{invoice.number};{paris_today(invoice.issued_at).isoformat()};Les Jardins Partagés;50,00;0,00;50,00;50,00;Virement;{today}"
    )

    log_in(client, world.borrower)
    assert invoice.number in page_text(client.get("/factures/"))
    assert "Paiement Réglé" in text_of(page_text(client.get(f"/reservations/{booking.id}")))
    assert client.get(f"/factures/{invoice.id + 100}").status_code == 404
