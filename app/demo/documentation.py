"""The demo's shared documentation: guides of a few resources, tools in the mediation toolbox and a
published project, written through the documentation's own rules (so they are indexed for the search
and checked like any other)."""

from __future__ import annotations

from app.documentation import gallery, guides, toolbox
from app.documentation.models import Language, Licence, ToolAudience, Visibility
from app.models import Resource, Theme, User, Venue

LASER_GUIDE = """## Prise en main

1. Allumez l'extracteur de fumées **avant** la découpeuse.
2. Ouvrez votre fichier (SVG ou PDF) dans le logiciel du poste : traits rouges de 0,01 mm pour la
   découpe, noir plein pour la gravure.
3. Faites la mise au point avec la cale de 5 mm, puis lancez un cadrage avant la découpe.

## Consignes de sécurité

- Ne quittez jamais la machine pendant une découpe : un départ de feu se traite en quelques secondes.
- Matériaux interdits : PVC, vinyle, simili-cuir, polycarbonate (fumées toxiques).
- L'extincteur CO₂ est à gauche de la porte.

## Ce qu'il faut apporter

Votre fichier sur une clé USB et vos plaques (contreplaqué peuplier 3 ou 5 mm, MDF, acrylique coulé).
Des chutes sont en vente à l'accueil.

## En cas de problème

Si le laser ne tire plus, vérifiez que le capot est bien fermé et que le refroidisseur est allumé.
Sinon, arrêtez la machine et prévenez l'équipe de La Machinerie.
"""

LASER_GUIDE_EN = """## Getting started

Turn on the fume extractor **before** the cutter, open your file (SVG or PDF), focus with the 5 mm
gauge and run a frame check before cutting.

## Safety

Never leave the machine while it cuts. Forbidden materials: PVC, vinyl, faux leather, polycarbonate.
"""

TABLETS_GUIDE = """## Contenu du kit

- 8 tablettes dans leur housse, numérotées de 1 à 8 ;
- 8 chargeurs et une multiprise ;
- un routeur Wi-Fi autonome (mot de passe sous l'appareil).

## Prise en main

Les tablettes sont réinitialisées à chaque retour : aucun compte personnel n'y reste. Créez les
comptes de démonstration de la fiche « Premiers pas » de la boîte à outils.

## En cas de problème

Une tablette qui ne démarre plus : maintenez le bouton d'allumage 15 secondes, puis signalez-la au
retour du kit.
"""

TABLET_WORKSHOP = """## Objectif

Faire découvrir la tablette à des personnes qui ne l'ont jamais utilisée : allumer, toucher, faire
glisser, prendre une photo et l'envoyer.

## Déroulé (1 h 30)

1. **Accueil** (10 min) : chacun dit ce qu'il aimerait savoir faire.
2. **Les gestes** (30 min) : toucher, faire glisser, pincer, avec le jeu de cartes du kit.
3. **La photo** (30 min) : se photographier en binôme, envoyer la photo par message.
4. **Bilan** (20 min) : ce que j'ai appris, ce que je veux refaire.

## Matériel

Le kit de tablettes d'ALCO et la salle polyvalente.
"""

APERO_SHEET = """## Principe

Un Apéro tiers-lieux réunit une fois par mois les membres des six lieux autour d'un thème.

## Animer

- Un tour de table de 30 secondes par personne : prénom, structure, un besoin, une ressource.
- Un « marché des besoins » au mur : chacun colle ses demandes et ses offres.
- Une conclusion collective : qui recontacte qui.
"""

BOOK_BOXES = """Nous avons dessiné une boîte à livres modulaire pour les jardins partagés du quartier Saint-Leu.

## Fabrication

Les panneaux sont découpés dans du contreplaqué peuplier de 5 mm à la découpeuse laser de La
Machinerie, puis assemblés par tenons et mortaises, sans vis. Les plans sont libres : réutilisez-les !

## Ce que nous avons appris

Prévoir 0,1 mm de jeu pour les tenons, et un vernis extérieur pour les panneaux exposés à la pluie.
"""


def create_documentation(venues: dict[str, Venue], users: dict[str, User], themes: dict[str, Theme]) -> None:
    """Guides, tools and a published project; ``users`` by email, ``venues`` and ``themes`` by slug."""
    machinerie, alco, colonel = venues["la-machinerie"], venues["alco"], venues["maison-du-colonel"]
    laser = _resource(machinerie, "decoupeuse-laser")
    tablets = _resource(alco, "tablettes-mediation")
    machinerie_manager = users["gestion.machinerie@example.org"]
    alco_manager = users["gestion.alco@example.org"]

    guides.create(
        laser,
        machinerie_manager,
        title="Utiliser la découpeuse laser",
        body=LASER_GUIDE,
        language=Language.FR,
        note="Première version",
    )
    guides.create(laser, machinerie_manager, title="Using the laser cutter", body=LASER_GUIDE_EN, language=Language.EN)
    guides.create(tablets, alco_manager, title="Le kit de tablettes", body=TABLETS_GUIDE, language=Language.FR)

    toolbox.share(
        alco,
        alco_manager,
        toolbox.ToolDraft(
            title="Premiers pas sur tablette",
            summary="Un atelier d'1 h 30 pour découvrir la tablette, en petit groupe.",
            body=TABLET_WORKSHOP,
            audience=ToolAudience.SENIORS,
            visibility=Visibility.PUBLIC,
            themes=[themes["participation-citoyenne"], themes["mediation-scientifique"]],
            resources=[tablets, _resource(alco, "salle-polyvalente")],
        ),
    )
    toolbox.share(
        colonel,
        users["gestion.colonel@example.org"],
        toolbox.ToolDraft(
            title="Animer un Apéro tiers-lieux",
            summary="La fiche d'animation des rencontres mensuelles du réseau.",
            body=APERO_SHEET,
            audience=ToolAudience.PROFESSIONALS,
            visibility=Visibility.MEMBERS,
            themes=[themes["participation-citoyenne"]],
            resources=[_resource(colonel, "salle-du-cafe")],
        ),
    )

    project = gallery.submit(
        users["membre@example.org"],
        gallery.ProjectDraft(
            title="Des boîtes à livres pour les jardins partagés",
            summary="Une boîte à livres modulaire, découpée au laser et assemblée sans vis.",
            body=BOOK_BOXES,
            licence=Licence.CC_BY_SA,
            resources=[laser],
            venues=[machinerie],
        ),
    )
    gallery.moderate(project, machinerie_manager, publish=True)


def _resource(venue: Venue, slug: str) -> Resource:
    return next(resource for resource in venue.resources if resource.slug == slug)
