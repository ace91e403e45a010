"""A kit's deposit kept at its return: the desk's return check issues, in its own transaction, an
invoice of the part kept to the booking's buyer, numbered in the venue's sequence, outside the scope
of VAT and settled at once by the deposit withheld; read back as a Factur-X file; counted by the
reports. Given back in full, nothing is billed; submitted twice, billed once; corrected, credited
and billed again."""

from __future__ import annotations

from datetime import timedelta

from facturx import get_xml_from_pdf, xml_check_xsd
from lxml import etree
from sqlalchemy import func, select

from app.billing import deposits
from app.billing.models import DocumentKind, Invoice, PaymentMethod
from app.bookings import service
from app.core.clock import paris_today, utcnow
from app.extensions import db
from app.models import Booking, KitCheck, KitCheckKind, OrganisationKind, PaymentStatus
from app.reports import money, periods
from app.reports.figures import Filters, Report
from tests.factories.agreements import approve, make_booking
from tests.factories.billing import make_billing_world, paid_booking
from tests.helpers import audit_actions, csrf_token_from, log_in, page_text, pdf_text, text_of

PLANNING = "/gestion/planning"
ALL_THERE = {"Enceinte amplifiée (x2)": True, "Table de mixage": True, "Câbles XLR (x4)": True}
NS = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}


def _slot():
    now = utcnow().replace(second=0, microsecond=0)
    return now - timedelta(minutes=now.minute % 30)


def handed_over(world) -> Booking:
    """A free loan of the sound kit, started yesterday, its 200 € deposit received at hand-over."""
    start = _slot() - timedelta(days=1)
    booking = make_booking(world.kit, world.borrower, start, hours=48, deposit_cents=20000)
    approve(booking, actor=world.manager)
    db.session.commit()
    service.hand_over(booking, world.manager, checklist=ALL_THERE, now=start)
    db.session.commit()
    return booking


def returned(world, given_back_cents: int) -> Booking:
    """The kit handed over, then back with a scratched table: ``given_back_cents`` of its deposit."""
    booking = handed_over(world)
    service.return_kit(
        booking,
        world.manager,
        checklist=ALL_THERE,
        condition_notes="Table rayée",
        deposit_returned_cents=given_back_cents,
    )
    db.session.commit()
    return booking


def return_at_the_desk(client, booking, deposit: str, notes: str = "", present=("0", "1", "2")):
    return client.submit(
        f"{PLANNING}/retour/{booking.id}",
        {"present": list(present), "condition_notes": notes, "deposit": deposit},
    )


def invoices(kind: DocumentKind = DocumentKind.INVOICE) -> list[Invoice]:
    db.session.expire_all()
    return list(db.session.scalars(select(Invoice).where(Invoice.kind == kind).order_by(Invoice.id)))


def test_a_deposit_kept_is_invoiced_in_sequence_and_settled_by_the_deposit(client, app, outbox):
    world = make_billing_world()
    world.organisation.kind = OrganisationKind.COMPANY  # a business buyer: every mention
    room = paid_booking(world.space, world.borrower, utcnow() + timedelta(days=20), price_cents=5000)
    approve(room, actor=world.manager)
    db.session.commit()
    (first,) = invoices()
    booking = handed_over(world)
    log_in(client, world.manager)

    response = return_at_the_desk(client, booking, "120", "Table de mixage cassée", present=("0", "2"))
    assert response.status_code == 303
    shown = page_text(client.get(response.headers["Location"]))

    first_again, kept = invoices()
    assert first_again.id == first.id
    assert (kept.venue_id, kept.year, kept.sequence) == (first.venue_id, first.year, first.sequence + 1)
    assert kept.number == f"F-{first.year}-{first.sequence + 1:04d}"
    assert (kept.buyer_id, kept.organisation_id) == (world.borrower.id, world.organisation.id)
    assert kept.buyer["name"] == "Les Jardins Partagés" and kept.business_buyer
    assert (kept.net_cents, kept.vat_cents, kept.total_cents) == (8000, 0, 8000)
    (line,) = kept.lines
    assert line.description == f"Caution conservée — Kit sono, réservation n° {booking.id} : Table de mixage cassée"
    assert (line.source_type, line.source_id, line.net_cents) == ("kept_deposit", booking.id, 8000)
    (payment,) = kept.payments
    assert (payment.method, payment.amount_cents, payment.received_on) == (PaymentMethod.DEPOSIT, 8000, paris_today())
    assert payment.recorded_by_id == world.manager.id
    assert audit_actions("invoice", kept.id) == ["issued", "payment_recorded", "paid"]
    # The booking was free: its own payment status is not the deposit's business.
    assert db.session.get(Booking, booking.id).payment_status == PaymentStatus.NOT_REQUIRED

    # The desk says so, with the invoice's link; the booking's page lists it among its documents.
    assert f'href="/factures/{kept.id}"' in shown and kept.number in shown
    assert "La caution conservée (80,00 €) est facturée" in text_of(shown)
    client.logout()
    log_in(client, world.borrower)
    page = client.get(f"/reservations/{booking.id}").get_data(as_text=True)
    booking_invoices = page[page.index('id="booking-invoices"') :]
    assert f'href="/factures/{kept.id}"' in booking_invoices
    assert "Caution retenue" in text_of(page) and "réglée par retenue sur caution" in text_of(page)
    invoice_page = text_of(client.get(f"/factures/{kept.id}").get_data(as_text=True))
    assert "Réglée" in invoice_page and "Retenue sur caution" in invoice_page and "Payer en ligne" not in invoice_page

    mails = [m for m in outbox.messages() if kept.number in m["Subject"]]
    assert mails and "déjà réglée par retenue sur la caution" in " ".join(outbox.text(mails[-1]).split())

    data = client.get(f"/factures/{kept.id}/pdf").get_data()
    text = pdf_text(data)
    for mention in (
        f"Facture n° {kept.number}",
        "Association La Briqueterie",
        "Les Jardins Partagés",
        "Caution conservée — Kit sono",
        f"réservation n° {booking.id} : Table de mixage cassée",
        "80,00 €",
        "Réglé par retenue sur caution",
        "Net à payer 0,00 €",
        "par retenue sur la caution versée à la remise du kit",
        "hors du champ d'application de la TVA",
        "Pénalités de retard",
        "40 €",
    ):
        assert mention in text, mention
    _name, xml = get_xml_from_pdf(data, check_xsd=False)
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    root = etree.fromstring(xml)
    assert root.findtext(".//ram:GrandTotalAmount", namespaces=NS) == "80.00"
    assert root.findtext(".//ram:TotalPrepaidAmount", namespaces=NS) == "80.00"
    assert root.findtext(".//ram:DuePayableAmount", namespaces=NS) == "0.00"
    assert root.findtext(".//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode", namespaces=NS) == "97"
    assert {e.text for e in root.iterfind(".//ram:CategoryCode", namespaces=NS)} == {"O"}
    assert root.find(".//ram:RateApplicablePercent", namespaces=NS) is None

    # The accountant's export names the method.
    client.logout()
    log_in(client, world.manager)
    csv = client.get(f"/gestion/lieux/{world.venue.slug}/factures.csv").get_data(as_text=True)
    (row,) = [r for r in csv.splitlines() if r.startswith(kept.number)]
    assert row.split(";")[3:9] == ["80,00", "0,00", "80,00", "80,00", "Retenue sur caution", paris_today().isoformat()]


def test_a_venue_subject_to_vat_adds_none_to_a_deposit_kept(client, app):
    world = make_billing_world(vat_exempt=False, vat_number="FR40303265045", vat_rate_basis_points=2000)
    room = paid_booking(world.space, world.borrower, utcnow() + timedelta(days=20), price_cents=5000)
    approve(room, actor=world.manager)
    db.session.commit()
    booking = handed_over(world)
    log_in(client, world.manager)
    assert return_at_the_desk(client, booking, "150", "Câbles XLR abîmés").status_code == 303

    room_invoice, kept = invoices()
    assert (room_invoice.vat_cents, room_invoice.total_cents) == (1000, 6000)  # the room's 20 %
    assert (kept.net_cents, kept.vat_cents, kept.total_cents) == (5000, 0, 5000)
    assert kept.lines[0].vat_rate_basis_points == 0
    data = client.get(f"/factures/{kept.id}/pdf").get_data()
    assert "hors champ" in pdf_text(data)
    _name, xml = get_xml_from_pdf(data, check_xsd=False)
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    root = etree.fromstring(xml)
    assert root.findtext(".//ram:ApplicableTradeTax/ram:ExemptionReasonCode", namespaces=NS) == "VATEX-EU-O"
    assert b"FR40303265045" not in xml  # EN 16931 BR-O-02: no seller VAT number on such an invoice


def test_a_deposit_given_back_in_full_bills_nothing(client, app):
    world = make_billing_world()
    booking = handed_over(world)
    log_in(client, world.manager)
    assert return_at_the_desk(client, booking, "200").status_code == 303
    assert db.session.get(Booking, booking.id).kit_checks[-1].kind == KitCheckKind.RETURN
    assert invoices() == []
    assert deposits.settle(db.session.get(Booking, booking.id), world.manager, utcnow()) == []


def test_a_return_submitted_twice_bills_once(client, app):
    world = make_billing_world()
    booking = handed_over(world)
    log_in(client, world.manager)
    url = f"{PLANNING}/retour/{booking.id}"
    form = client.get(url).get_data(as_text=True)
    data = {
        "csrf_token": csrf_token_from(form),
        "present": ["0", "1", "2"],
        "condition_notes": "Enceinte fêlée",
        "deposit": "170",
    }
    assert client.post(url, data=data).status_code == 303
    again = client.post(url, data=data)  # the same form, sent a second time
    assert again.status_code == 422
    (kept,) = invoices()
    assert kept.total_cents == 3000
    said = text_of(again.get_data(as_text=True))
    assert "Le retour de ce kit est déjà enregistré" in said
    assert f"La caution conservée est déjà facturée (facture {kept.number})" in said
    assert "déjà enregistré" in text_of(client.get(url).get_data(as_text=True))  # an old tab says so too
    assert db.session.scalar(select(func.count()).select_from(KitCheck)) == 2
    # Asked again (what the commit does), the rule finds it billed already.
    db.session.expire_all()
    assert deposits.settle(db.session.get(Booking, booking.id), world.manager, utcnow()) == []
    db.session.commit()
    assert len(invoices()) == 1


def test_a_corrected_amount_credits_the_old_invoice_and_bills_the_new_one(app):
    world = make_billing_world()
    booking = returned(world, given_back_cents=5000)
    (old,) = invoices()
    assert old.total_cents == 15000

    back = db.session.scalar(select(KitCheck).where(KitCheck.kind == KitCheckKind.RETURN))
    back.deposit_cents = 18000  # the venue keeps 20 € only, after all
    issued = deposits.settle(db.session.get(Booking, booking.id), world.manager, utcnow())
    db.session.commit()
    (note,) = invoices(DocumentKind.CREDIT_NOTE)
    assert (note.credits_id, note.total_cents, note.vat_cents) == (old.id, 15000, 0)
    old_again, new = invoices()
    assert [document.id for document in issued] == [note.id, new.id]
    assert new.sequence == old.sequence + 1 and new.total_cents == 2000
    assert [p.method for p in new.payments] == [PaymentMethod.DEPOSIT]
    assert deposits.invoice_of(db.session.get(Booking, booking.id)).id == new.id
    assert deposits.billed_cents(db.session.get(Booking, booking.id)) == 2000


def test_the_reports_count_a_deposit_kept_as_invoiced_and_received(app):
    world = make_billing_world()
    returned(world, given_back_cents=12000)
    table = money.invoicing(Report(Filters(periods.month_of(paris_today()), (world.venue.id,))))
    (row,) = table.rows
    assert (row["invoices"], row["invoiced"], row["credited"], row["paid"], row["due"]) == (1, 8000, 0, 8000, 0)
    assert any("caution conservée" in str(note) for note in table.notes)


def test_a_manager_cannot_record_a_deposit_withheld_by_hand(client, app):
    world = make_billing_world()
    room = paid_booking(world.space, world.borrower, utcnow() + timedelta(days=20), price_cents=5000)
    approve(room, actor=world.manager)
    db.session.commit()
    (invoice,) = invoices()
    log_in(client, world.manager)
    page = f"/factures/{invoice.id}"
    assert "Retenue sur caution" not in page_text(client.get(page))
    refused = client.submit(
        f"/gestion/factures/{invoice.id}/paiements",
        {"method": "deposit", "amount": "50", "received_on": paris_today().isoformat()},
        page=page,
    )
    assert refused.status_code == 422
    assert invoices()[0].payments == []
