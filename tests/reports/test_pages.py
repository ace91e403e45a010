"""The reports page, its CSV exports, the scope of a manager, and the annual report read back."""

from __future__ import annotations

import csv
import io

from tests.helpers import csrf_token_from, fragment, htmx_get, log_in, page_text, pdf_text

MARCH = "/gestion/bilans/?periode=month&mois=2027-03"


def test_coordinator_page_htmx_and_csv(client, world):
    log_in(client, world.coordinator)
    response = client.get(MARCH)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    text = page_text(response)
    assert "Les réservations annulées et refusées ne sont pas comptées." in text
    assert "Comparé à la période précédente : février 2027." in text
    assert 'src="data:image/svg+xml;base64,' in text and "<script" not in text.split("<main", 1)[1]
    assert 'alt="Heures réservées par lieu sur la période, comparées à la période précédente."' in text

    swapped = fragment(htmx_get(client, MARCH + "&type=kit", "rapport"))
    assert 'id="rapport"' in swapped and "Kit son" in swapped

    exported = client.get("/gestion/bilans/export/reservations_par_lieu.csv?periode=month&mois=2027-03&sep=semicolon")
    assert exported.mimetype == "text/csv"
    body = exported.get_data(as_text=True)
    assert body.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert lines[0] == [
        "Lieu",
        "Réservations",
        "Heures réservées",
        "Réservations (période précédente)",
        "Heures (période précédente)",
        "Évolution des heures",
    ]
    assert lines[1:] == [
        ["L'Île aux Fruits", "2", "53,00", "0", "0,00", ""],
        ["La Machinerie", "2", "5,00", "0", "0,00", ""],
        ["Total", "4", "58,00", "0", "0,00", ""],
    ]
    commas = client.get("/gestion/bilans/export/registre_mutualisation.csv?periode=month&mois=2027-03")
    ledger = list(csv.reader(io.StringIO(commas.get_data(as_text=True).lstrip("\ufeff"))))
    assert ledger[-1] == ["Total", "", "10.00", "4.00", "110.00"]

    wrong = client.get("/gestion/bilans/?periode=month&mois=2027-13")
    assert wrong.status_code == 422
    assert "Cette période n'est pas reconnue (exemples : 2027-03, 2027-T1, 2027)." in page_text(wrong)


def test_a_manager_sees_only_their_venues(client, world):
    log_in(client, world.manager)
    exported = client.get("/gestion/bilans/export/reservations_par_lieu.csv?periode=year&annee=2027")
    lines = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert [line[0] for line in lines[1:]] == ["La Machinerie", "Total"]
    assert client.get("/gestion/bilans/?periode=year&annee=2027&lieu=ile-aux-fruits").status_code == 404
    text = page_text(client.get("/gestion/bilans/?periode=year&annee=2027"))
    assert "Serre pédagogique" not in text and "Kit son" not in text
    balance = client.get("/gestion/bilans/export/solde_par_lieu.csv?periode=year&annee=2027")
    assert [line[0] for line in csv.reader(io.StringIO(balance.get_data(as_text=True).lstrip("\ufeff")))][1:] == [
        "La Machinerie"
    ]
    assert client.get("/gestion/bilans/annuel").status_code == 403


def test_annual_report_pdf(client, world):
    from pypdf import PdfReader

    log_in(client, world.coordinator)
    form = client.get("/gestion/bilans/annuel").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token_from(form),
        "annee": "2027",
        "avant_propos": "Une année de partage entre les tiers-lieux.",
        f"lieu-{world.machinerie.id}": "La Machinerie a ouvert son FabLab aux membres des autres lieux.",
        f"lieu-{world.ile.id}": "x" * 2001,
    }
    refused = client.post("/gestion/bilans/annuel", data=data)
    assert refused.status_code == 422 and "Ce paragraphe tient en 2000 caractères au plus." in page_text(refused)
    data[f"lieu-{world.ile.id}"] = "Les kits sont allés jusqu'à Poix-de-Picardie."
    response = client.post("/gestion/bilans/annuel", data=data)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.get_data()
    text = pdf_text(pdf)
    for expected in (
        "Bilan d'activité 2027",
        "Une année de partage entre les tiers-lieux.",
        "La Machinerie a ouvert son FabLab aux membres des autres lieux.",
        "Registre de mutualisation",
        "Poix-de-Picardie",
    ):
        assert expected in text, expected
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in xmp and b"pdfuaid" in xmp


def test_the_annual_reports_texts_are_kept_per_year(client, world):
    log_in(client, world.coordinator)
    form = client.get("/gestion/bilans/annuel?annee=2027").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token_from(form),
        "annee": "2027",
        "avant_propos": "Brouillon de l'avant-propos.",
        f"lieu-{world.machinerie.id}": "Le FabLab a doublé ses heures.",
        "action": "save",
    }
    saved = client.post("/gestion/bilans/annuel", data=data)
    assert saved.status_code == 200 and "Textes enregistrés pour 2027." in page_text(saved)

    again = page_text(client.get("/gestion/bilans/annuel?annee=2027"))
    assert "Brouillon de l'avant-propos." in again and "Le FabLab a doublé ses heures." in again
    assert "Brouillon de l'avant-propos." not in page_text(client.get("/gestion/bilans/annuel?annee=2026"))

    # Generating keeps the texts as they were sent; an emptied paragraph is forgotten.
    data.update({"action": "generate", f"lieu-{world.machinerie.id}": "", "avant_propos": "L'avant-propos final."})
    assert client.post("/gestion/bilans/annuel", data=data).mimetype == "application/pdf"
    kept = page_text(client.get("/gestion/bilans/annuel?annee=2027"))
    assert "L'avant-propos final." in kept and "Le FabLab a doublé ses heures." not in kept
