"""Online acceptance by the borrower, countersignature by a manager of the venue, the final sealed
version with its signature page, and who reaches an agreement at all."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.agreements import sealing, storage
from app.agreements.models import Agreement, AgreementStatus
from app.extensions import db
from app.models import AuditEntry
from tests.factories import PASSWORD
from tests.factories.agreements import approve, make_booking, make_world, paris
from tests.helpers import page_text, pdf_text

BORROWER = "camille@jardins.example"
MANAGER = "marc@briqueterie.example"


@pytest.fixture()
def issued(app):
    world = make_world()
    booking = make_booking(world.space, world.borrower, paris(2027, 3, 1, 14), 4, price_cents=8000)
    approve(booking, actor=world.manager)
    db.session.commit()
    agreement = db.session.scalars(select(Agreement)).one()
    return world, agreement


def _status(agreement: Agreement) -> AgreementStatus:
    """The agreement's status as the database has it now (after the requests)."""
    db.session.expire_all()
    return db.session.get(Agreement, agreement.id).status


def _document_hash(page_html: str) -> str:
    """The SHA-256 of the file the signing form is about (its hidden field)."""
    match = re.search(r'<input[^>]*name="document"[^>]*value="([0-9a-f]{64})"', page_html)
    assert match, "no document hash in the signing form"
    return match.group(1)


def test_borrower_accepts_manager_countersigns_and_the_final_version_carries_both(client, issued, outbox):
    world, agreement = issued
    page = f"/conventions/{agreement.id}"

    client.login(BORROWER, PASSWORD)
    shown = client.get(page)
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert "Accepter la convention" in html
    read_hash = _document_hash(html)
    db.session.expire_all()
    assert read_hash == db.session.get(Agreement, agreement.id).sha256  # the file was rendered on first view

    # Not ticked, no name: the form comes back with the messages next to the fields, nothing recorded.
    refused = client.submit(f"{page}/accepter", {"full_name": "", "document": read_hash}, page=page)
    assert refused.status_code == 422
    body = page_text(refused)
    assert "Cochez la case pour confirmer que vous avez lu la convention." in body
    assert "Saisissez votre nom complet." in body
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).accepted_at is None

    accepted = client.submit(
        f"{page}/accepter", {"acknowledged": "y", "full_name": "  Camille   Martin ", "document": read_hash}, page=page
    )
    assert accepted.status_code == 303
    db.session.expire_all()
    agreement = db.session.get(Agreement, agreement.id)
    assert agreement.status == AgreementStatus.ACCEPTED
    assert agreement.accepted_name == "Camille Martin"
    assert agreement.accepted_ip == "127.0.0.1"
    assert agreement.accepted_at is not None and agreement.accepted_by_id == world.borrower.id
    to_manager = outbox.last()
    assert to_manager["To"] == MANAGER and agreement.number in to_manager["Subject"]
    assert f"/conventions/{agreement.id}" in outbox.text(to_manager)

    client.logout()
    client.login(MANAGER, PASSWORD)
    html = client.get(page).get_data(as_text=True)
    assert "Contresigner la convention" in html
    signed = client.submit(
        f"{page}/contresigner",
        {"acknowledged": "y", "full_name": "Marc Lefèvre", "document": _document_hash(html)},
        page=page,
    )
    assert signed.status_code == 303
    db.session.expire_all()
    agreement = db.session.get(Agreement, agreement.id)
    assert agreement.status == AgreementStatus.SIGNED
    assert (agreement.countersigned_name, agreement.countersigned_ip) == ("Marc Lefèvre", "127.0.0.1")
    assert {message["To"] for message in outbox.messages()[-2:]} == {BORROWER, MANAGER}
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.subject_type == "agreement").order_by(AuditEntry.id)
    ).all()
    assert actions == ["issued", "accepted", "countersigned"]

    final = client.get(f"{page}/convention-signee.pdf")
    assert final.status_code == 200
    text = pdf_text(final.data)
    for expected in [
        "exemplaire final signé",
        "Page des signatures",
        "Acceptée en ligne par Camille Martin (nom saisi), depuis le compte camille@jardins.example",
        "depuis l'adresse IP 127.0.0.1",
        agreement.sha256,
        "Contresignée pour La Briqueterie par Marc Lefèvre (nom saisi)",
    ]:
        assert expected in text, expected
    accepted_on = agreement.accepted_at.astimezone(paris(2027, 1, 1).tzinfo).strftime("%H:%M")
    assert accepted_on in text
    assert sealing.check_seal(final.data).ok
    db.session.expire_all()
    assert storage.sha256_of(final.data) == db.session.get(Agreement, agreement.id).final_sha256
    # served from storage afterwards: the same bytes, not a new rendering
    assert client.get(f"{page}/convention-signee.pdf").data == final.data


def test_acceptance_of_a_document_that_changed_since_it_was_read_is_refused(client, issued):
    _world, agreement = issued
    page = f"/conventions/{agreement.id}"
    client.login(BORROWER, PASSWORD)
    client.get(page)
    stale = client.submit(
        f"{page}/accepter", {"acknowledged": "y", "full_name": "Camille Martin", "document": "0" * 64}, page=page
    )
    assert stale.status_code == 422
    assert "Le document a changé depuis que vous l'avez ouvert" in page_text(stale)
    assert _status(agreement) == AgreementStatus.ISSUED


def test_only_the_borrower_accepts_and_only_after_acceptance_a_manager_countersigns(client, issued):
    _world, agreement = issued
    page = f"/conventions/{agreement.id}"
    client.login(MANAGER, PASSWORD)
    html = client.get(page).get_data(as_text=True)
    assert "Accepter la convention" not in html and "Contresigner la convention" not in html
    digest = storage.sha256_of(storage.read_file(db.session.get(Agreement, agreement.id)))
    for action in ("accepter", "contresigner"):
        response = client.submit(
            f"{page}/{action}", {"acknowledged": "y", "full_name": "Marc Lefèvre", "document": digest}, page=page
        )
        assert response.status_code == 422
        assert "Vous ne pouvez pas signer cette convention." in page_text(response)
    assert _status(agreement) == AgreementStatus.ISSUED


def test_nobody_else_reaches_an_agreement_whatever_the_url(client, issued):
    world, agreement = issued
    urls = [
        f"/conventions/{agreement.id}",
        f"/conventions/{agreement.id}/convention.pdf",
        f"/conventions/{agreement.id}/convention-signee.pdf",
    ]

    anonymous = client.get(urls[1])
    assert anonymous.status_code == 302 and "/compte/connexion" in anonymous.headers["Location"]

    for outsider in ("autre@membre.example", "gestion@machinerie.example"):  # a member, another venue's manager
        client.login(outsider, PASSWORD)
        for url in urls:
            assert client.get(url).status_code == 404, url
        for action in ("accepter", "contresigner"):  # with a valid CSRF token, from a page they can open
            response = client.submit(
                f"/conventions/{agreement.id}/{action}",
                {"acknowledged": "y", "full_name": "Alex Autre"},
                page="/conventions/",
            )
            assert response.status_code == 404
        listing = client.get("/conventions/").get_data(as_text=True)
        assert agreement.number not in listing
        client.logout()

    for insider in (BORROWER, MANAGER, "coordination@fnt.example"):
        client.login(insider, PASSWORD)
        assert client.get(urls[0]).status_code == 200
        pdf = client.get(urls[1])
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        assert client.get(urls[2]).status_code == 404  # no final version before the countersignature
        assert agreement.number in client.get("/conventions/").get_data(as_text=True)
        client.logout()
