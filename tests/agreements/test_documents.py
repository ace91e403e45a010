"""The agreement documents, read back from the PDF as a person would read them, in French and in
English; the test-space agreement; same data, same bytes; PDF/A; the seal."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.agreements import rendering, sealing, storage
from app.agreements.models import Agreement, AgreementKind
from app.core.clock import paris_today, utcnow
from app.extensions import db
from app.models import Series
from tests.factories.agreements import approve, make_booking, make_world, paris
from tests.helpers import pdf_text


def _only_agreement() -> Agreement:
    agreements = db.session.scalars(select(Agreement)).all()
    assert len(agreements) == 1
    return agreements[0]


def _simple_agreement():
    """One approved two-hour booking of the room, and its agreement."""
    world = make_world()
    approve(make_booking(world.space, world.borrower, paris(2027, 3, 1, 14), 2), actor=world.manager)
    db.session.commit()
    return world, _only_agreement()


def _download(client, agreement: Agreement, final: bool = False) -> bytes:
    endpoint = "convention-signee.pdf" if final else "convention.pdf"
    response = client.get(f"/conventions/{agreement.id}/{endpoint}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return response.data


def test_french_agreement_states_every_field(app, client):
    world = make_world("fr")
    room = make_booking(
        world.space,
        world.borrower,
        paris(2027, 3, 1, 14),
        4,
        purpose="Assemblée générale",
        attendees=25,
        price_cents=12000,
    )
    sound = make_booking(
        world.kit, world.borrower, paris(2027, 3, 1, 13), 6, quantity=2, price_cents=3000, deposit_cents=20000
    )
    laser = make_booking(
        world.machine, world.borrower, paris(2027, 3, 2, 9, 30), 2, purpose="Découpe de panneaux", price_cents=4550
    )
    approve(room, sound, laser, actor=world.manager)  # one approval of three bookings: one agreement
    db.session.commit()
    agreement = _only_agreement()
    year = paris_today().year  # numbered by the year in Paris when issued

    client.login("camille@jardins.example", "correct horse battery")
    text = pdf_text(_download(client, agreement))

    for expected in [
        "Convention de mise à disposition",
        f"N° FNT-{year}-0001 · version 1",
        # the consortium, the lending venue and who represents it
        "Fabrique numérique de territoire du Grand Amiénois",
        "porté par La Machinerie, 2 rue Dijon, 80000 Amiens",
        "La Briqueterie 10 rue des Briques, 80080 Amiens",
        "contact@briqueterie.example · 03 22 00 00 01",
        "Représenté par Marc Lefèvre, Président.",
        # the borrower
        "Les Jardins Partagés 5 allée des Tilleuls, 80000 Amiens",
        "SIRET 12345678900011",
        "Représentée par Camille Martin",
        "camille@jardins.example · 06 12 34 56 78",
        # each resource with its venue, day and hours in Paris, quantity, purpose, attendees, price
        "Kit sono Kit mobile La Briqueterie lundi 1er mars 2027 13:00 – 19:00 2 — — 30,00 €",
        "Grande salle Espace La Briqueterie lundi 1er mars 2027 14:00 – 18:00 1 25 Assemblée générale 120,00 €",
        "Découpeuse laser Machine La Briqueterie mardi 2 mars 2027 09:30 – 11:30 1 — Découpe de panneaux 45,50 €",
        "Total 195,50 €",
        "Dates et heures de Paris.",
        # price, deposit and how they are paid
        "Prix total : 195,50 €",
        "par virement ou par chèque à l'ordre de La Briqueterie",
        "Caution : 200,00 €",
        "chèque non encaissé",
        # conditions
        "Assurance et responsabilité",
        "assurance de responsabilité civile",
        "Capacité 40 personnes. Issues de secours côté jardin.",
        "Ne jamais laisser la découpe sans surveillance.",
        "Découpeuse laser : une habilitation valide (laser CO2) est exigée",
        "jusqu'à 48 heures avant le début",
        "50 % du prix",
        "Retour des kits",
        "☐ Enceinte amplifiée (x2) ☐ Table de mixage ☐ Câbles XLR (x4)",
        # signature blocks and the way to check the document
        "Pour le lieu prêteur La Briqueterie Marc Lefèvre",
        "Pour l'emprunteur Les Jardins Partagés Camille Martin",
        f"Vérifier ce document : http://127.0.0.1:5000/v/{agreement.verification_code}",
    ]:
        assert expected in text, expected
    assert "Page des signatures" not in text  # only the final version has it


def test_english_agreement_lists_every_occurrence_of_a_series(app, client):
    world = make_world("en")
    series = Series(
        resource_id=world.machine.id,
        requester_id=world.borrower.id,
        organisation_id=world.organisation.id,
        frequency="weekly",
        interval=1,
        count=3,
        purpose="Workshop",
    )
    db.session.add(series)
    occurrences = [
        make_booking(
            world.machine,
            world.borrower,
            paris(2027, 3, 1, 14) + timedelta(weeks=week),
            3,
            series=series,
            purpose="Workshop",
            attendees=6,
            price_cents=2500,
        )
        for week in range(3)
    ]
    approve(*occurrences, actor=world.manager)
    db.session.commit()
    agreement = _only_agreement()

    client.login("camille@jardins.example", "correct horse battery")
    text = pdf_text(_download(client, agreement))

    for expected in [
        "Resource agreement",
        f"No. {agreement.number} · version 1 · issued on",
        "led by La Machinerie, 2 rue Dijon, 80000 Amiens",
        "The lending venue La Briqueterie",
        "Represented by Marc Lefèvre, Président.",
        "The borrower Les Jardins Partagés",
        "Represented by Camille Martin",
        "Recurring booking (every week): all its 3 occurrences are listed.",
        "Découpeuse laser Machine La Briqueterie Monday, 1 March 2027 14:00 – 17:00 1 6 Workshop €25.00",
        "Monday, 8 March 2027 14:00 – 17:00",
        "Monday, 15 March 2027 14:00 – 17:00",
        "Total €75.00",
        "Dates and times in Paris time.",
        "Total price: €75.00",
        "by bank transfer or by cheque payable to La Briqueterie",
        "No deposit is required.",
        "civil liability insurance",
        "Ne jamais laisser la découpe sans surveillance.",
        "Découpeuse laser: every person using it holds a valid qualification (laser CO2).",
        "up to 48 hours before the start",
        "50% of the occurrence's price",
        "For the lending venue La Briqueterie Marc Lefèvre",
        "For the borrower Les Jardins Partagés Camille Martin",
        f"Check this document: http://127.0.0.1:5000/v/{agreement.verification_code}",
    ]:
        assert expected in text, expected
    assert "Retour" not in text and "Return of kits" not in text  # no kit in this agreement


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_test_space_agreement_has_period_support_and_review_date(app, client, locale):
    from app.newcomers.models import RequestStatus, SupportKind, TestSpaceRequest

    world = make_world(locale)
    test_space = world.space
    test_space.is_test_space = True
    db.session.add(
        TestSpaceRequest(
            status=RequestStatus.ACCEPTED,
            venue=world.venue,
            name="Camille Martin",
            email="camille@jardins.example",
            project_title="Potager pédagogique",
            project_description="Un potager avec les écoles.",
            support_kind=SupportKind.COACHING,
            period_start=paris(2027, 4, 1).date(),
            period_end=paris(2027, 6, 30).date(),
            consent_at=utcnow(),
            retention_days=365,
            test_space=test_space,
            user=world.borrower,
            organisation=world.organisation,
            decided_at=utcnow(),
        )
    )
    first = make_booking(test_space, world.borrower, paris(2027, 4, 1, 9), 8)
    last = make_booking(test_space, world.borrower, paris(2027, 6, 30, 9), 8)
    approve(first, last, actor=world.manager)
    db.session.commit()
    agreement = _only_agreement()
    assert agreement.kind == AgreementKind.TEST_SPACE

    client.login("camille@jardins.example", "correct horse battery")
    text = pdf_text(_download(client, agreement))
    expected = {
        "fr": [
            "Convention d'occupation temporaire d'espace test",
            "le projet « Potager pédagogique »",
            "Du 1er avril 2027 au 30 juin 2027",
            "jeudi 1er avril 2027 09:00 – 17:00",
            "mercredi 30 juin 2027 09:00 – 17:00",
            "Accompagnement proposé",
            "un accompagnement pour construire le projet",
            "Date de bilan",
            "le 16 mai 2027",
            "aucun bail",
            "gratuite",
        ],
        "en": [
            "Temporary test-space occupancy agreement",
            "the occupant's project “Potager pédagogique”",
            "From 1 April 2027 to 30 June 2027",
            "Thursday, 1 April 2027 09:00 – 17:00",
            "Support offered",
            "coaching to build the project",
            "Review date",
            "on 16 May 2027",
            "no lease",
            "free of charge",
        ],
    }[locale]
    for phrase in expected:
        assert phrase in text, phrase


def test_same_agreement_gives_the_same_bytes_before_sealing_and_pdf_a_metadata(app):
    world, agreement = _simple_agreement()

    first = rendering.render_pdf(agreement)
    world.venue.name = "La Briqueterie (renommée)"  # a later change does not reach an issued document
    db.session.commit()
    db.session.expire_all()
    second = rendering.render_pdf(db.session.get(Agreement, agreement.id))
    assert first == second
    assert "La Briqueterie (renommée)" not in pdf_text(second)

    reader = PdfReader(io.BytesIO(first))
    assert reader.metadata.creation_date == agreement.issued_at.replace(microsecond=0)
    assert reader.metadata.modification_date == agreement.issued_at.replace(microsecond=0)
    assert reader.metadata.title == f"Convention de mise à disposition {agreement.number}"
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="A"' in xmp  # tagged: see test_pdfa.py
    assert reader.trailer["/Root"]["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"


def test_stored_file_is_sealed_and_one_changed_byte_breaks_the_seal(app):
    _world, agreement = _simple_agreement()

    stored = storage.ensure_file(agreement)
    db.session.commit()
    assert sealing.check_seal(stored).ok
    assert storage.sha256_of(stored) == agreement.sha256

    altered = bytearray(stored)
    middle = len(altered) // 3  # inside the signed content, not in the signature itself
    altered[middle] ^= 0x01
    check = sealing.check_seal(bytes(altered))
    assert check.present and not check.intact and not check.ok

    unsealed = rendering.render_pdf(agreement)
    assert not sealing.check_seal(unsealed).present
