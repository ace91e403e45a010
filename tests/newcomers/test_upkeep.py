"""Newcomers: the purge, the reminders to venues, and the coordination's routing table."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.core.clock import paris_today
from app.extensions import db
from app.models import AuditEntry, User, utcnow
from app.newcomers import workflow
from app.newcomers.acceptance import accept
from app.newcomers.models import NewcomerRoute, RequestMessage, RequestStatus, SupportKind, TestSpaceRequest
from app.newcomers.tokens import make_status_token
from tests.factories import PASSWORD, make_user
from tests.factories.newcomers import consortium, only_request, submit


def _request(themes, *, days_ago: int, title: str, email: str = "ines@example.org", **fields) -> TestSpaceRequest:
    """A request submitted ``days_ago`` days ago for a period of two weeks that followed."""
    at = utcnow() - timedelta(days=days_ago)
    start = paris_today() - timedelta(days=days_ago) + timedelta(days=7)
    request = workflow.submit_request(
        name="Inès Durand",
        email=email,
        phone="0612345678",
        organisation_name="Collectif Hortillon",
        project_title=title,
        project_description="Un atelier ouvert de réparation de vélos.",
        themes=[themes["fablab"]],
        support_kind=SupportKind.TEST_SPACE,
        period_start=start,
        period_end=start + timedelta(days=14),
        retention_days=365,
        now=at,
        **fields,
    )
    db.session.flush()
    return request


def test_purge_anonymises_old_requests_and_keeps_what_reports_need(app, runner, client, outbox, monkeypatch):
    themes, venues, managers = consortium()
    old = _request(themes, days_ago=400, title="Vieux projet")
    db.session.add(
        RequestMessage(
            request=old, author="newcomer", body="Je m'appelle Inès, joignable au 06…", created_at=old.created_at
        )
    )
    workflow.decline(
        old, managers["la-machinerie"], "Désolé Inès, c'est complet.", now=old.created_at + timedelta(days=3)
    )
    # Accepted long ago; the newcomer never opened the account prepared for them.
    unopened = _request(themes, days_ago=420, title="Projet accepté", email="jamais@example.org")
    accept(unopened, managers["la-machinerie"], now=unopened.created_at + timedelta(days=2))
    _request(themes, days_ago=30, title="Projet récent", email="autre@example.org")  # kept: too recent
    # Old, but the newcomer wrote recently: the retention counts from the last exchange.
    followed = _request(themes, days_ago=500, title="Projet suivi", email="suivi@example.org")
    followed.last_activity_at = utcnow() - timedelta(days=10)
    db.session.commit()
    old_link = f"/projets/suivi/{make_status_token(old)}"
    assert client.get(old_link).status_code == 200
    old_id, period, venue_id = old.id, (old.period_start, old.period_end), old.venue_id

    unopened_id, unopened_user_id = unopened.id, unopened.user_id
    purged_ids = ", ".join(str(i) for i in sorted((old_id, unopened_id)))

    dry = runner.invoke(args=["newcomers", "purge", "--dry-run"])
    assert dry.exit_code == 0 and f"2 demande(s) à anonymiser (would anonymise): {purged_ids}" in dry.output
    db.session.expire_all()
    assert db.session.get(TestSpaceRequest, old_id).name == "Inès Durand"

    result = runner.invoke(args=["newcomers", "purge"])
    assert result.exit_code == 0 and f"2 demande(s) anonymisée(s) (requests anonymised): {purged_ids}" in result.output
    db.session.expire_all()
    purged = db.session.get(TestSpaceRequest, old_id)
    assert (purged.name, purged.email, purged.phone, purged.organisation_name) == ("", "", "", "")
    assert (purged.project_title, purged.project_description, purged.equipment) == ("", "", "")
    assert purged.messages == [] and purged.anonymised_at is not None
    reasons = db.session.scalars(
        select(AuditEntry.reason).where(
            AuditEntry.subject_type == "test_space_request", AuditEntry.subject_id == old_id
        )
    ).all()
    assert reasons and all(reason == "" for reason in reasons)
    # What the activity reports need stays.
    assert purged.status == RequestStatus.DECLINED and purged.venue_id == venue_id
    assert (purged.period_start, purged.period_end) == period and purged.created_at is not None
    assert [theme.slug for theme in purged.themes] == ["fablab"] and purged.support_kind == SupportKind.TEST_SPACE
    # The account prepared on acceptance, never opened, keeps nothing personal either.
    unopened_user = db.session.get(User, unopened_user_id)
    assert (unopened_user.name, unopened_user.phone, unopened_user.active) == ("", "", False)
    assert unopened_user.email == f"anonymised-{unopened_user_id}@invalid"
    assert unopened_user.organisation.name == "" and db.session.get(TestSpaceRequest, unopened_id).user_id is None
    # The link sent to the newcomer now shows nothing.
    assert client.get(old_link).status_code == 404
    for kept in ("Projet récent", "Projet suivi"):
        assert db.session.scalar(select(TestSpaceRequest).where(TestSpaceRequest.project_title == kept)).email

    # The managers' desk shows the anonymised request without any personal data.
    client.login(managers["la-machinerie"].email, PASSWORD)
    page = client.get(f"/gestion/projets/{old_id}").get_data(as_text=True)
    assert "Demande anonymisée" in page and "Inès" not in page and "complet" not in page

    again = runner.invoke(args=["newcomers", "purge"])
    assert "0 demande(s) anonymisée(s)" in again.output


def test_reminder_when_a_venue_has_not_answered(app, runner, outbox):
    themes, venues, managers = consortium()
    waiting = _request(themes, days_ago=8, title="Projet en attente")
    answered = _request(themes, days_ago=9, title="Projet pris en charge", email="autre@example.org")
    workflow.take_under_review(answered, managers["la-machinerie"], now=answered.created_at + timedelta(days=1))
    _request(themes, days_ago=2, title="Projet tout neuf", email="neuf@example.org")
    db.session.commit()
    before = len(outbox.messages())

    result = runner.invoke(args=["newcomers", "remind"])
    assert result.exit_code == 0 and "1 rappel(s) envoyé(s)" in result.output
    reminders = outbox.messages()[before:]
    assert [m["To"] for m in reminders] == [managers["la-machinerie"].email]
    assert reminders[0]["Subject"] == "Rappel : une demande d'espace test attend votre réponse"
    body = outbox.text(reminders[0])
    assert "« Projet en attente » attend une réponse de La Machinerie depuis 8 jours" in body
    assert f"/gestion/projets/{waiting.id}" in body

    # Not again the next day; again once the delay has passed once more.
    assert "0 rappel(s)" in runner.invoke(args=["newcomers", "remind"]).output
    db.session.expire_all()
    waiting = db.session.get(TestSpaceRequest, waiting.id)
    waiting.reminded_at = utcnow() - timedelta(days=7, minutes=1)
    db.session.commit()
    assert "1 rappel(s)" in runner.invoke(args=["newcomers", "remind"]).output

    # A message from the venue is an answer: no more reminders.
    workflow.post_venue_message(waiting, managers["la-machinerie"], "Nous regardons votre projet.")
    waiting.reminded_at = utcnow() - timedelta(days=30)
    db.session.commit()
    assert "0 rappel(s)" in runner.invoke(args=["newcomers", "remind"]).output


def test_coordination_edits_the_routing_table(client, outbox):
    themes, venues, managers = consortium()
    make_user(email="coordination@example.org", name="Coordination", is_coordinator=True)
    db.session.commit()
    client.login(managers["la-machinerie"].email, PASSWORD)
    assert client.get("/gestion/coordination/orientation").status_code == 403
    client.logout()
    client.login("coordination@example.org", PASSWORD)
    page = client.get("/gestion/coordination/orientation").get_data(as_text=True)
    assert "Création et gestion de FabLab" in page and "La Machinerie" in page

    # FabLab projects now go to ALCO first: add the rule, then move it to the top.
    client.submit(
        "/gestion/coordination/orientation",
        {"theme": themes["fablab"].id, "support_kind": "", "venue": venues["alco"].id},
    )
    duplicate = client.submit(
        "/gestion/coordination/orientation",
        {"theme": themes["fablab"].id, "support_kind": "", "venue": venues["alco"].id},
    )
    assert duplicate.status_code == 422 and "Cette règle d&#39;orientation existe déjà." in duplicate.get_data(
        as_text=True
    )
    rule = db.session.scalar(
        select(NewcomerRoute).where(
            NewcomerRoute.venue_id == venues["alco"].id, NewcomerRoute.theme_id == themes["fablab"].id
        )
    )
    for _ in range(10):
        client.submit(
            f"/gestion/coordination/orientation/{rule.id}/monter", {}, page="/gestion/coordination/orientation"
        )
    db.session.expire_all()
    ordered = db.session.scalars(select(NewcomerRoute).order_by(NewcomerRoute.position)).all()
    assert ordered[0].id == rule.id and [r.position for r in ordered] == list(range(1, len(ordered) + 1))
    client.logout()

    submit(client, themes, "fablab")
    stored = only_request()
    assert stored.venue.slug == "alco" and {v.slug for v in stored.visible_to} == {"alco", "la-machinerie"}

    client.login("coordination@example.org", PASSWORD)
    rule_id = rule.id
    client.submit(
        f"/gestion/coordination/orientation/{rule_id}/supprimer", {}, page="/gestion/coordination/orientation"
    )
    db.session.expire_all()
    assert db.session.get(NewcomerRoute, rule_id) is None
    page = client.get("/gestion/projets").get_data(as_text=True)
    assert "Atelier de réparation de vélos" in page  # the coordination sees every request


def test_default_routing_from_an_empty_table(client):
    themes, venues, managers = consortium()
    db.session.query(NewcomerRoute).delete()
    make_user(email="coordination@example.org", name="Coordination", is_coordinator=True)
    db.session.commit()
    client.login("coordination@example.org", PASSWORD)
    done = client.submit(
        "/gestion/coordination/orientation/par-defaut",
        {},
        page="/gestion/coordination/orientation",
        follow_redirects=True,
    )
    assert "9 règles d&#39;orientation sont installées." in done.get_data(as_text=True)
    assert db.session.query(NewcomerRoute).count() == 9
