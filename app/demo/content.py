"""The demo consortium, as data: themes, venues (hours, resources, tariffs), organisations,
accounts and qualifications. Nothing here touches the database; ``app.demo.data`` turns it into rows.

Conventions: money in integer cents (``12_00`` is 12,00 €), durations in minutes, opening
hours as Europe/Paris wall-clock intervals per weekday (Monday = 0), texts in French (they are
data, like everything a manager types, not interface strings). Slugs of themes and venues are the
ones the newcomers' default routing (``app.newcomers.routing.DEFAULT_ROUTES``) refers to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.models import ApprovalPolicy, Audience, OrganisationKind, ResourceKind, TariffAudience, VenueRole

DEMO_PASSWORD = "demo-fnt-2026"

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAYS = (MON, TUE, WED, THU, FRI)

HOUR = 60
DAY = 24 * HOUR

# ((weekdays), ("HH:MM-HH:MM", …)): the same intervals on each of these weekdays.
Week = tuple[tuple[tuple[int, ...], tuple[str, ...]], ...]


@dataclass(frozen=True)
class Rates:
    """Prices in cents; None when that rate is not offered."""

    hour: int | None = None
    half_day: int | None = None
    day: int | None = None


FREE = Rates(hour=0, half_day=0, day=0)


def tariffs(
    consortium: Rates, partner: Rates | None = None, external: Rates | None = None
) -> dict[TariffAudience, Rates]:
    given = {TariffAudience.CONSORTIUM: consortium, TariffAudience.PARTNER: partner, TariffAudience.EXTERNAL: external}
    return {audience: rates for audience, rates in given.items() if rates is not None}


@dataclass(frozen=True)
class DemoTheme:
    slug: str
    name_fr: str
    name_en: str
    position: int


@dataclass(frozen=True)
class DemoResource:
    slug: str
    name: str
    kind: ResourceKind
    short_description: str
    description: str = ""
    documentation: str = ""  # safety rules, how-to
    capacity: int | None = None  # people, for spaces
    units: int = 1  # identical units, for kits
    checklist: tuple[str, ...] = ()  # a kit's contents, one line each
    machine_type: str = ""
    requires_training: bool = False
    min_duration_minutes: int = HOUR
    max_duration_minutes: int | None = 8 * HOUR
    slot_minutes: int = 30
    notice_minutes: int = DAY
    horizon_days: int = 180
    buffer_minutes: int = 0
    open_to: Audience = Audience.CONSORTIUM
    approval_policy: ApprovalPolicy = ApprovalPolicy.MANAGER
    deposit_cents: int = 0  # per unit, for kits
    is_test_space: bool = False
    tariffs: Mapping[TariffAudience, Rates] = field(default_factory=dict)
    hours: Week = ()  # the resource's own hours, replacing the venue's; empty: the venue's


@dataclass(frozen=True)
class DemoVenue:
    slug: str
    name: str
    themes: tuple[str, ...]  # theme slugs
    short_description: str
    description: str
    street: str
    postal_code: str
    email: str
    phone: str
    website: str
    representative_name: str
    representative_role: str
    hours: Week
    resources: tuple[DemoResource, ...]
    is_lead: bool = False
    colour: str = ""  # one of app.core.colours.VENUE_COLOURS


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: OrganisationKind
    audience: Audience
    street: str
    postal_code: str
    email: str
    phone: str = ""
    siret: str = ""


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    who: str  # what the account is for, as the README and `flask demo load` show it
    organisation: str  # an organisation's name (a venue's own organisation bears the venue's name)
    is_coordinator: bool = False
    memberships: tuple[tuple[str, VenueRole], ...] = ()  # (venue slug, role)


@dataclass(frozen=True)
class DemoQualification:
    email: str
    venue: str
    resource: str
    granted_by: str
    granted_days_ago: int
    expires_in_days: int | None  # negative: already expired; None: never expires
    note: str = ""
    recognised_consortium_wide: bool = False


# --- Themes --------------------------------------------------------------------------------------

THEMES: tuple[DemoTheme, ...] = (
    DemoTheme(
        "ecologie-maraichage-bio", "Écologie et maraîchage biologique", "Ecology and organic market gardening", 1
    ),
    DemoTheme("experimentation-artistique", "Expérimentation artistique", "Artistic experimentation", 2),
    DemoTheme("fablab", "Création et gestion de FabLab", "FabLab creation and management", 3),
    DemoTheme("mediation-scientifique", "Médiation scientifique et technique", "Scientific and technical mediation", 4),
    DemoTheme("participation-citoyenne", "Participation citoyenne", "Citizen participation", 5),
    DemoTheme("creation-espace-public", "Création dans l'espace public", "Creation in public space", 6),
)


# --- La Machinerie -------------------------------------------------------------------------------

# The FabLab's machines follow its own hours (Tuesday to Saturday, with a lunch break),
# inside the building's wider hours.
FABLAB_HOURS: Week = (((TUE, WED, THU, FRI, SAT), ("09:30-12:30", "14:00-19:00")),)

PRINTER_SAFETY = (
    "Filaments acceptés : PLA et PETG (l'ABS seulement capot fermé).\n"
    "Surveillez la première couche, puis passez voir l'impression au moins toutes les heures.\n"
    "Attendez que le plateau soit sous 40 °C avant de retirer une pièce.\n"
    "Une buse bouchée ou un plateau abîmé se signale à l'accueil du FabLab, sans démonter."
)


def _printer(number: int) -> DemoResource:
    """One of the FabLab's three identical 3D printers (one machine type, booked one by one)."""
    return DemoResource(
        slug=f"imprimante-3d-{number}",
        name=f"Imprimante 3D Prusa MK4 n° {number}",
        kind=ResourceKind.MACHINE,
        short_description="Impression de pièces en PLA ou PETG, volume 250 × 210 × 220 mm.",
        description=(
            "Trois imprimantes identiques, réservables séparément. Apportez votre fichier (STL ou 3MF) ; "
            "le filament PLA du FabLab est compris dans le tarif, les autres matières sont à apporter."
        ),
        documentation=PRINTER_SAFETY,
        machine_type="imprimante-3d",
        min_duration_minutes=30,
        max_duration_minutes=5 * HOUR,
        notice_minutes=HOUR,
        horizon_days=30,
        open_to=Audience.EXTERNAL,
        approval_policy=ApprovalPolicy.CONSORTIUM,
        tariffs=tariffs(FREE, Rates(hour=2_00), Rates(hour=4_00)),
        hours=FABLAB_HOURS,
    )


LA_MACHINERIE = DemoVenue(
    colour="indigo",
    slug="la-machinerie",
    name="La Machinerie",
    is_lead=True,
    themes=("fablab", "mediation-scientifique"),
    short_description="Tiers-lieu du numérique et FabLab, lieu porteur de la Fabrique numérique de territoire.",
    description=(
        "Installée dans une ancienne imprimerie du centre-ville, La Machinerie réunit un FabLab ouvert, "
        "un espace de coworking et des salles de travail. Elle accompagne les makers, les projets de création "
        "numérique et les actions de médiation scientifique et technique, et coordonne le consortium des six "
        "tiers-lieux du Grand Amiénois."
    ),
    street="12 rue Dijon",
    postal_code="80000",
    email="contact@la-machinerie.example.org",
    phone="03 22 91 40 12",
    website="https://la-machinerie.example.org",
    representative_name="Mathieu Roussel",
    representative_role="Directeur",
    hours=((WEEKDAYS, ("09:00-19:00",)), ((SAT,), ("10:00-18:00",))),
    resources=(
        DemoResource(
            slug="decoupeuse-laser",
            name="Découpeuse laser Trotec Speedy 360",
            kind=ResourceKind.MACHINE,
            short_description="Découpe et gravure du bois, du carton, de l'acrylique et du cuir ; plateau 813 × 508 mm.",
            description=(
                "Laser CO₂ de 80 W avec aspiration des fumées. Réservée aux personnes formées : la formation "
                "initiale (2 h) a lieu un samedi matin par mois."
            ),
            documentation=(
                "Ne quittez jamais la machine pendant une découpe.\n"
                "Matériaux interdits : PVC, vinyle, polycarbonate, simili-cuir, tout ce qui contient du chlore.\n"
                "Vérifiez que l'aspiration des fumées tourne avant de lancer un travail.\n"
                "Extincteur CO₂ à côté de la machine : en cas de flamme qui persiste, coupez le laser, "
                "puis ouvrez le capot.\n"
                "Nettoyez la grille et la lentille à la fin du créneau."
            ),
            machine_type="decoupeuse-laser",
            requires_training=True,
            min_duration_minutes=30,
            max_duration_minutes=3 * HOUR,
            notice_minutes=2 * HOUR,
            horizon_days=60,
            buffer_minutes=15,
            open_to=Audience.PARTNER,
            approval_policy=ApprovalPolicy.VENUE_MEMBERS,
            tariffs=tariffs(Rates(hour=5_00), Rates(hour=12_00)),
            hours=FABLAB_HOURS,
        ),
        DemoResource(
            slug="fraiseuse-cnc",
            name="Fraiseuse numérique CNC 1250 × 2500",
            kind=ResourceKind.MACHINE,
            short_description="Usinage de panneaux de bois et de plastiques jusqu'à 1 250 × 2 500 mm.",
            description=(
                "Fraiseuse trois axes pour le mobilier, la signalétique et les maquettes. Formation obligatoire, "
                "accompagnement d'un·e fabmanager pour les premiers usinages."
            ),
            documentation=(
                "Lunettes, protections auditives et cheveux attachés ; pas de gants près de la fraise.\n"
                "Bridez le panneau en plusieurs points et vérifiez le zéro avant de lancer.\n"
                "Aspiration des copeaux en marche pendant tout l'usinage.\n"
                "N'approchez jamais les mains de la broche en rotation ; arrêt d'urgence à gauche du pupitre.\n"
                "Aspirez le plateau et rangez les fraises dans leur boîte à la fin du créneau."
            ),
            machine_type="fraiseuse-cnc",
            requires_training=True,
            min_duration_minutes=HOUR,
            max_duration_minutes=5 * HOUR,
            notice_minutes=2 * DAY,
            horizon_days=60,
            buffer_minutes=30,
            open_to=Audience.PARTNER,
            approval_policy=ApprovalPolicy.MANAGER,
            tariffs=tariffs(Rates(hour=10_00, half_day=35_00), Rates(hour=20_00, half_day=70_00)),
            hours=FABLAB_HOURS,
        ),
        *(_printer(number) for number in (1, 2, 3)),
        DemoResource(
            slug="salle-verriere",
            name="Salle de réunion « La Verrière »",
            kind=ResourceKind.SPACE,
            short_description="Salle lumineuse de 35 m² sous verrière : grande table, écran, tableau blanc.",
            description="Pour les réunions, les formations en petit groupe et les entretiens. Café et thé à disposition.",
            capacity=14,
            max_duration_minutes=10 * HOUR,
            buffer_minutes=15,
            open_to=Audience.EXTERNAL,
            approval_policy=ApprovalPolicy.VENUE_MEMBERS,
            tariffs=tariffs(
                FREE,
                Rates(hour=15_00, half_day=40_00, day=70_00),
                Rates(hour=25_00, half_day=70_00, day=120_00),
            ),
        ),
        DemoResource(
            slug="coworking",
            name="Plateau de coworking",
            kind=ResourceKind.SPACE,
            short_description="Le plateau entier (20 postes) à privatiser pour une équipe, un hackathon ou une formation.",
            description=(
                "Vingt postes de travail, une cuisine, un coin canapé et une connexion fibre. "
                "Réservation à la demi-journée ou à la journée."
            ),
            capacity=20,
            min_duration_minutes=4 * HOUR,
            max_duration_minutes=10 * HOUR,
            slot_minutes=HOUR,
            horizon_days=90,
            open_to=Audience.EXTERNAL,
            tariffs=tariffs(
                Rates(half_day=0, day=0), Rates(half_day=30_00, day=50_00), Rates(half_day=60_00, day=100_00)
            ),
        ),
    ),
)


# --- L'Île aux Fruits ----------------------------------------------------------------------------

ILE_AUX_FRUITS = DemoVenue(
    colour="pre",
    slug="ile-aux-fruits",
    name="L'Île aux Fruits",
    themes=("ecologie-maraichage-bio",),
    short_description="Ferme maraîchère biologique et pédagogique au bord des hortillonnages.",
    description=(
        "Deux hectares cultivés en agriculture biologique, un verger conservatoire et une serre pédagogique. "
        "L'Île aux Fruits accueille les projets de maraîchage, les classes et les familles, et met à l'essai "
        "de jeunes maraîchers sur une parcelle test avant leur installation."
    ),
    street="24 chemin des Hortillons",
    postal_code="80080",
    email="bonjour@ile-aux-fruits.example.org",
    phone="03 22 47 18 06",
    website="https://ile-aux-fruits.example.org",
    representative_name="Bernard Lenoir",
    representative_role="Président de l'association",
    # A farm works in the morning; on Wednesday afternoons it welcomes children's groups.
    hours=(((MON, TUE, WED, THU, FRI, SAT), ("08:00-12:30",)), ((WED,), ("14:00-17:30",))),
    resources=(
        DemoResource(
            slug="parcelle-test",
            name="Parcelle maraîchère test",
            kind=ResourceKind.SPACE,
            short_description="800 m² en bio, irrigués, pour essayer un projet de maraîchage avant de s'installer.",
            description=(
                "Espace test agricole : la parcelle, l'accès à l'abri à outils et à la chambre froide, "
                "et l'accompagnement du maraîcher de la ferme une matinée par semaine. Mise à disposition gratuite."
            ),
            documentation=(
                "Aucun produit de synthèse : la ferme est certifiée en agriculture biologique.\n"
                "Les outils se nettoient et se rangent dans l'abri après usage.\n"
                "L'arrosage se coupe au robinet général en partant."
            ),
            capacity=4,
            is_test_space=True,
            min_duration_minutes=HOUR,
            max_duration_minutes=4 * HOUR + 30,
            horizon_days=365,
            open_to=Audience.NEWCOMER,
            tariffs=tariffs(FREE, FREE, FREE),
        ),
        DemoResource(
            slug="serre-pedagogique",
            name="Serre pédagogique",
            kind=ResourceKind.SPACE,
            short_description="Serre de 120 m² avec tables de semis, pour les ateliers et les classes.",
            description="Tables de semis à hauteur d'enfant, point d'eau, tableau et bancs pour vingt personnes.",
            capacity=20,
            max_duration_minutes=4 * HOUR + 30,
            notice_minutes=2 * DAY,
            horizon_days=120,
            buffer_minutes=30,
            open_to=Audience.EXTERNAL,
            tariffs=tariffs(FREE, Rates(hour=10_00, half_day=30_00), Rates(hour=20_00, half_day=60_00)),
        ),
        DemoResource(
            slug="kit-jardinage",
            name="Kit mobile de jardinage pédagogique",
            kind=ResourceKind.KIT,
            short_description="De quoi animer un atelier de semis avec six enfants, à emporter dans une caisse.",
            description="Cinq caisses identiques ; prenez-en plusieurs pour un groupe plus grand.",
            documentation="Rendez les outils propres et secs ; les graines entamées restent dans le kit.",
            units=5,
            checklist=(
                "1 bac de semis et 10 godets",
                "6 paires de gants taille enfant",
                "3 transplantoirs et 3 griffes",
                "1 arrosoir de 5 L",
                "1 sachet de graines de saison",
                "1 livret d'animation « Du semis à l'assiette »",
            ),
            deposit_cents=80_00,
            min_duration_minutes=2 * HOUR,
            max_duration_minutes=7 * DAY,
            notice_minutes=2 * DAY,
            horizon_days=90,
            buffer_minutes=HOUR,
            open_to=Audience.PARTNER,
            approval_policy=ApprovalPolicy.VENUE_MEMBERS,
            tariffs=tariffs(FREE, Rates(day=5_00)),
        ),
    ),
)


# --- La Maison du Colonel ------------------------------------------------------------------------

MAISON_DU_COLONEL = DemoVenue(
    colour="ocre",
    slug="maison-du-colonel",
    name="La Maison du Colonel",
    themes=("participation-citoyenne",),
    short_description="Café associatif et maison de la participation : c'est ici qu'ont lieu les Apéros tiers-lieux.",
    description=(
        "Une grande maison de maître transformée en café associatif. On y vient pour un débat, un atelier, "
        "une assemblée générale ou les Apéros tiers-lieux, les rencontres mensuelles des porteurs de projets "
        "du consortium."
    ),
    street="31 rue Saint-Fuscien",
    postal_code="80000",
    email="cafe@maison-du-colonel.example.org",
    phone="03 22 33 57 80",
    website="https://maison-du-colonel.example.org",
    representative_name="Hélène Caron",
    representative_role="Co-présidente",
    # The café opens in the afternoon and the evening, with a brunch on Sundays.
    hours=(((WED, THU, FRI), ("16:00-23:00",)), ((SAT,), ("11:00-23:00",)), ((SUN,), ("11:00-18:00",))),
    resources=(
        DemoResource(
            slug="salle-du-cafe",
            name="Salle du café associatif",
            kind=ResourceKind.SPACE,
            short_description="La salle du café (40 places assises) avec son bar, pour un débat ou une soirée.",
            description=(
                "Sonorisation légère, vidéoprojecteur et bar associatif. Le bar reste tenu par les bénévoles "
                "du café pendant les évènements ouverts au public."
            ),
            capacity=40,
            min_duration_minutes=2 * HOUR,
            max_duration_minutes=7 * HOUR,
            notice_minutes=2 * DAY,
            horizon_days=120,
            buffer_minutes=30,
            open_to=Audience.EXTERNAL,
            tariffs=tariffs(FREE, Rates(half_day=30_00), Rates(hour=25_00, half_day=80_00)),
        ),
    ),
)


# --- ALCO ----------------------------------------------------------------------------------------

ALCO = DemoVenue(
    colour="lagune",
    slug="alco",
    name="ALCO",
    themes=("participation-citoyenne",),
    short_description="Centre social et interculturel d'Amiens Nord, porteur de projets à visée sociale.",
    description=(
        "ALCO accompagne les habitants du quartier nord dans leurs projets : accès aux droits, médiation "
        "numérique, ateliers de cuisine du monde, fêtes de quartier. Ses salles accueillent les projets "
        "transversaux à visée sociale du consortium."
    ),
    street="2 avenue de la Paix",
    postal_code="80080",
    email="accueil@alco.example.org",
    phone="03 22 43 29 71",
    website="https://alco.example.org",
    representative_name="Sabrina Lemaire",
    representative_role="Directrice",
    hours=((WEEKDAYS, ("09:00-12:00", "13:30-18:30")), ((SAT,), ("09:30-12:30",))),
    resources=(
        DemoResource(
            slug="salle-polyvalente",
            name="Salle polyvalente",
            kind=ResourceKind.SPACE,
            short_description="150 m² modulables avec scène, chaises et tables pliantes pour 80 personnes.",
            description="Pour les réunions publiques, les spectacles, les fêtes et les repas partagés.",
            capacity=80,
            min_duration_minutes=2 * HOUR,
            max_duration_minutes=5 * HOUR,
            notice_minutes=7 * DAY,
            buffer_minutes=HOUR,
            open_to=Audience.EXTERNAL,
            tariffs=tariffs(
                FREE,
                Rates(hour=15_00, half_day=40_00, day=70_00),
                Rates(hour=30_00, half_day=90_00, day=160_00),
            ),
        ),
        DemoResource(
            slug="cuisine",
            name="Cuisine partagée",
            kind=ResourceKind.SPACE,
            short_description="Cuisine équipée aux normes pour des ateliers de huit personnes.",
            description="Piano de cuisson, four mixte, chambre froide et vaisselle pour cinquante couverts.",
            documentation=(
                "Tablier et charlotte obligatoires ; lavez-vous les mains en entrant.\n"
                "Notez les températures de la chambre froide sur la feuille affichée.\n"
                "Étiquetez tout ce qui reste au frais (nom, contenu, date).\n"
                "Plans de travail, sols et vaisselle sont propres avant de partir."
            ),
            capacity=8,
            min_duration_minutes=2 * HOUR,
            max_duration_minutes=5 * HOUR,
            notice_minutes=2 * DAY,
            horizon_days=120,
            buffer_minutes=HOUR,
            open_to=Audience.PARTNER,
            tariffs=tariffs(Rates(half_day=10_00), Rates(half_day=35_00, day=60_00)),
        ),
        DemoResource(
            slug="tablettes-mediation",
            name="Kit mobile de médiation numérique",
            kind=ResourceKind.KIT,
            short_description="Douze tablettes prêtes pour un atelier numérique, à emprunter à l'unité.",
            description=(
                "Tablettes configurées pour les ateliers (navigateur, démarches en ligne, applications de création), "
                "remises à zéro à chaque retour. Empruntez le nombre de tablettes dont vous avez besoin."
            ),
            documentation="Rendez les tablettes chargées ; ne changez ni le compte ni le code de l'appareil.",
            units=12,
            checklist=(
                "1 tablette Android 10 pouces dans sa coque",
                "1 chargeur USB-C et son câble",
                "1 stylet",
            ),
            deposit_cents=50_00,
            min_duration_minutes=2 * HOUR,
            max_duration_minutes=3 * DAY,
            notice_minutes=2 * DAY,
            horizon_days=90,
            buffer_minutes=HOUR,
            open_to=Audience.PARTNER,
            tariffs=tariffs(FREE, Rates(day=3_00)),
        ),
    ),
)


# --- La Briqueterie ------------------------------------------------------------------------------

LA_BRIQUETERIE = DemoVenue(
    colour="brique",
    slug="la-briqueterie",
    name="La Briqueterie",
    themes=("experimentation-artistique",),
    short_description="Ancienne briqueterie devenue lieu de fabrique pour les collectifs artistiques.",
    description=(
        "Studios de répétition, ateliers et un grand espace d'exposition sous la halle du four. "
        "La Briqueterie accueille en résidence les collectifs artistiques du territoire et leur ouvre "
        "ses espaces pour répéter, créer et montrer leur travail."
    ),
    street="62 rue de la Briqueterie",
    postal_code="80090",
    email="residences@la-briqueterie.example.org",
    phone="03 22 95 61 33",
    website="https://la-briqueterie.example.org",
    representative_name="Antoine Delcourt",
    representative_role="Coordinateur artistique",
    hours=((WEEKDAYS, ("10:00-22:00",)), ((SAT,), ("14:00-20:00",))),
    resources=(
        DemoResource(
            slug="studio-repetition",
            name="Studio de répétition",
            kind=ResourceKind.SPACE,
            short_description="60 m² avec plancher de danse, miroirs et système son.",
            description="Pour la danse, le théâtre et la musique acoustique ; le studio est isolé phoniquement.",
            capacity=10,
            min_duration_minutes=2 * HOUR,
            slot_minutes=HOUR,
            horizon_days=120,
            buffer_minutes=30,
            open_to=Audience.PARTNER,
            approval_policy=ApprovalPolicy.VENUE_MEMBERS,
            tariffs=tariffs(Rates(hour=3_00, half_day=10_00, day=18_00), Rates(hour=8_00, half_day=25_00, day=45_00)),
        ),
        DemoResource(
            slug="espace-exposition",
            name="Espace d'exposition de la halle",
            kind=ResourceKind.SPACE,
            short_description="300 m² sous la halle du four, cimaises mobiles et éclairage scénique.",
            description="Pour un accrochage, une sortie de résidence ou une installation ; montage et démontage compris.",
            capacity=60,
            min_duration_minutes=4 * HOUR,
            max_duration_minutes=12 * HOUR,
            slot_minutes=HOUR,
            notice_minutes=14 * DAY,
            horizon_days=365,
            buffer_minutes=HOUR,
            open_to=Audience.EXTERNAL,
            tariffs=tariffs(FREE, Rates(day=40_00), Rates(day=120_00)),
        ),
    ),
)


# --- LAM -----------------------------------------------------------------------------------------

LAM = DemoVenue(
    colour="prune",
    slug="lam",
    name="LAM – Lieu artistique mutualisé",
    themes=("experimentation-artistique", "creation-espace-public"),
    short_description="Ateliers partagés et matériel mutualisé pour les artistes et la création dans l'espace public.",
    description=(
        "Le LAM met en commun des ateliers, un parc de matériel son et lumière et un savoir-faire de production "
        "pour les compagnies qui créent dans la rue et l'espace public. Il ouvrira progressivement ses ateliers "
        "aux collectifs artistiques du consortium."
    ),
    street="14 rue Vulfran Warmé",
    postal_code="80000",
    email="contact@lam-amiens.example.org",
    phone="03 22 72 08 45",
    website="https://lam-amiens.example.org",
    representative_name="Élise Carpentier",
    representative_role="Administratrice",
    hours=((WEEKDAYS, ("09:00-20:00",)), ((SAT,), ("10:00-18:00",))),
    resources=(
        DemoResource(
            slug="atelier-artiste",
            name="Atelier d'artiste partagé",
            kind=ResourceKind.SPACE,
            short_description="Atelier de 45 m² sous verrière avec point d'eau, pour essayer un projet de création.",
            description=(
                "Espace test pour les artistes et les collectifs : un atelier lumineux, des établis et un stockage "
                "fermé. Mise à disposition gratuite le temps de l'essai."
            ),
            capacity=6,
            is_test_space=True,
            min_duration_minutes=4 * HOUR,
            max_duration_minutes=11 * HOUR,
            slot_minutes=HOUR,
            notice_minutes=2 * DAY,
            open_to=Audience.NEWCOMER,
            tariffs=tariffs(FREE, FREE, FREE),
        ),
        DemoResource(
            slug="kit-son",
            name="Kit son mobile",
            kind=ResourceKind.KIT,
            short_description="Sonorisation autonome pour 200 personnes en extérieur, en deux flight-cases.",
            description="Deux kits identiques ; une démonstration de branchement est faite au premier emprunt.",
            documentation=(
                "Jamais sous la pluie sans la bâche fournie.\n"
                "Montez le volume progressivement et respectez 102 dB(A) en moyenne pour le public.\n"
                "Enroulez les câbles sans nœud et signalez tout micro qui grésille."
            ),
            units=2,
            checklist=(
                "1 table de mixage 8 voies",
                "2 enceintes actives 12 pouces et leurs pieds",
                "2 micros dynamiques avec pinces et pieds",
                "4 câbles XLR de 10 m",
                "1 enrouleur électrique de 25 m et 1 multiprise",
                "1 bâche de pluie",
                "2 flight-cases",
            ),
            deposit_cents=300_00,
            min_duration_minutes=4 * HOUR,
            max_duration_minutes=3 * DAY,
            slot_minutes=HOUR,
            notice_minutes=2 * DAY,
            horizon_days=120,
            buffer_minutes=HOUR,
            open_to=Audience.PARTNER,
            tariffs=tariffs(Rates(day=15_00), Rates(day=40_00)),
        ),
    ),
)


VENUES: tuple[DemoVenue, ...] = (LA_MACHINERIE, ILE_AUX_FRUITS, MAISON_DU_COLONEL, ALCO, LA_BRIQUETERIE, LAM)


# --- Organisations (besides the venues, which are organisations of their own) --------------------

BIDOUILLEURS = "Les Bidouilleurs d'Amiens"
RUE_LIBRE = "Collectif Rue Libre"
NUMERIQUE_SOLIDAIRE = "Amiens Numérique Solidaire"
JARDINS_PIGEONNIER = "Jardins partagés du Pigeonnier"
ATELIER_LUMEN = "Atelier Lumen"

ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        BIDOUILLEURS,
        OrganisationKind.ASSOCIATION,
        Audience.CONSORTIUM,
        "18 rue Jules Barni",
        "80000",
        "bonjour@bidouilleurs.example.org",
        "06 12 34 56 78",
        "84213975600015",
    ),
    DemoOrganisation(
        RUE_LIBRE,
        OrganisationKind.COLLECTIVE,
        Audience.CONSORTIUM,
        "5 rue de la Dodane",
        "80000",
        "collectif@ruelibre.example.org",
        "06 98 76 54 32",
    ),
    DemoOrganisation(
        NUMERIQUE_SOLIDAIRE,
        OrganisationKind.ASSOCIATION,
        Audience.CONSORTIUM,
        "9 place Parmentier",
        "80000",
        "contact@numerique-solidaire.example.org",
        "03 22 80 14 27",
        "90156284300012",
    ),
    DemoOrganisation(
        JARDINS_PIGEONNIER,
        OrganisationKind.ASSOCIATION,
        Audience.PARTNER,
        "40 rue du Pigeonnier",
        "80080",
        "jardins@pigeonnier.example.org",
        "07 61 22 48 90",
        "79832114500021",
    ),
    DemoOrganisation(
        ATELIER_LUMEN,
        OrganisationKind.COMPANY,
        Audience.EXTERNAL,
        "113 boulevard de Beauvillé",
        "80090",
        "studio@atelier-lumen.example.org",
        "03 22 50 62 19",
        "88347156200034",
    ),
)


# --- Accounts (all with DEMO_PASSWORD) ----------------------------------------------------------


def _manager(email: str, name: str, venue: DemoVenue, who: str) -> DemoAccount:
    return DemoAccount(email, name, who, venue.name, memberships=((venue.slug, VenueRole.MANAGER),))


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "coordination@example.org",
        "Claire Vasseur",
        "Coordination du consortium (administration de tous les lieux)",
        LA_MACHINERIE.name,
        is_coordinator=True,
    ),
    _manager("gestion.machinerie@example.org", "Julien Moreau", LA_MACHINERIE, "Gestionnaire de La Machinerie"),
    _manager("gestion.ileauxfruits@example.org", "Aline Dupuis", ILE_AUX_FRUITS, "Gestionnaire de L'Île aux Fruits"),
    _manager("gestion.colonel@example.org", "Karim Benali", MAISON_DU_COLONEL, "Gestionnaire de La Maison du Colonel"),
    _manager("gestion.alco@example.org", "Nadia Hamdi", ALCO, "Gestionnaire d'ALCO"),
    _manager("gestion.briqueterie@example.org", "Thomas Leroux", LA_BRIQUETERIE, "Gestionnaire de La Briqueterie"),
    _manager("gestion.lam@example.org", "Élise Carpentier", LAM, "Gestionnaire du LAM"),
    DemoAccount(
        "membre@example.org",
        "Camille Lefebvre",
        f"Membre de l'association {BIDOUILLEURS} (consortium) et de La Machinerie, habilitée à la découpeuse laser",
        BIDOUILLEURS,
        memberships=((LA_MACHINERIE.slug, VenueRole.MEMBER),),
    ),
    DemoAccount(
        "artiste@example.org",
        "Hugo Delattre",
        f"Membre du {RUE_LIBRE} (consortium), de La Briqueterie et du LAM, habilité à la fraiseuse CNC",
        RUE_LIBRE,
        memberships=((LA_BRIQUETERIE.slug, VenueRole.MEMBER), (LAM.slug, VenueRole.MEMBER)),
    ),
    DemoAccount(
        "mediation@example.org",
        "Fatou Diallo",
        f"Membre de l'association {NUMERIQUE_SOLIDAIRE} (consortium) et d'ALCO",
        NUMERIQUE_SOLIDAIRE,
        memberships=((ALCO.slug, VenueRole.MEMBER),),
    ),
    DemoAccount(
        "partenaire@example.org",
        "Lucie Masson",
        f"Membre des {JARDINS_PIGEONNIER} (partenaire) et de L'Île aux Fruits ; habilitation laser expirée",
        JARDINS_PIGEONNIER,
        memberships=((ILE_AUX_FRUITS.slug, VenueRole.MEMBER),),
    ),
    DemoAccount(
        "externe@example.org", "Marc Petit", f"Salarié de l'entreprise {ATELIER_LUMEN} (extérieur)", ATELIER_LUMEN
    ),
)


# --- Qualifications ------------------------------------------------------------------------------

QUALIFICATIONS: tuple[DemoQualification, ...] = (
    DemoQualification(
        "membre@example.org",
        LA_MACHINERIE.slug,
        "decoupeuse-laser",
        "gestion.machinerie@example.org",
        granted_days_ago=20,
        expires_in_days=365,
        note="Formation initiale découpeuse laser (2 h)",
    ),
    DemoQualification(
        "artiste@example.org",
        LA_MACHINERIE.slug,
        "fraiseuse-cnc",
        "gestion.machinerie@example.org",
        granted_days_ago=45,
        expires_in_days=320,
        note="Formation CNC et premier usinage accompagné",
        recognised_consortium_wide=True,
    ),
    DemoQualification(
        "partenaire@example.org",
        LA_MACHINERIE.slug,
        "decoupeuse-laser",
        "gestion.machinerie@example.org",
        granted_days_ago=400,
        expires_in_days=-35,
        note="Formation initiale découpeuse laser (2 h)",
    ),
)
