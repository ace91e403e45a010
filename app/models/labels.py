"""Translatable labels of the models' enumerations, as every page shows them."""

from __future__ import annotations

from app.core.i18n import lazy_gettext as _l
from app.models.types import Audience, ResourceKind, TariffAudience

RESOURCE_KIND_LABELS = {
    ResourceKind.SPACE: _l("Espace"),
    ResourceKind.MACHINE: _l("Machine"),
    ResourceKind.KIT: _l("Kit mobile"),
}

RESOURCE_KIND_PLURALS = {
    ResourceKind.SPACE: _l("Espaces"),
    ResourceKind.MACHINE: _l("Machines"),
    ResourceKind.KIT: _l("Kits mobiles"),
}

WEEKDAY_LABELS = [_l("Lundi"), _l("Mardi"), _l("Mercredi"), _l("Jeudi"), _l("Vendredi"), _l("Samedi"), _l("Dimanche")]

# The audiences (who pays a tariff, as the public pages name them: newcomers pay the external
# tariff; the line says "porteurs de projet" when a resource is open to them but not to everyone).
AUDIENCE_LABELS = {
    Audience.CONSORTIUM: _l("Membres du consortium"),
    Audience.PARTNER: _l("Partenaires"),
    Audience.NEWCOMER: _l("Porteurs de projet"),
    Audience.EXTERNAL: _l("Extérieurs"),
}

OPEN_TO_LABELS = {
    Audience.CONSORTIUM: _l("Réservé aux membres du consortium"),
    Audience.PARTNER: _l("Ouvert au consortium et à ses partenaires"),
    Audience.NEWCOMER: _l("Ouvert au consortium, aux partenaires et aux porteurs de projet"),
    Audience.EXTERNAL: _l("Ouvert à tous, extérieurs compris"),
}

# The tariffs, as the managers' forms name them.
TARIFF_LABELS = {
    TariffAudience.CONSORTIUM: _l("Tarif consortium"),
    TariffAudience.PARTNER: _l("Tarif partenaires"),
    TariffAudience.EXTERNAL: _l("Tarif extérieurs"),
    TariffAudience.PROJECT_HOLDER: _l("Tarif porteurs de projet (espaces test)"),
}

# The audiences a resource is open to, as a refusal says it ("réservée aux membres du consortium").
OPEN_TO_PHRASES = {
    Audience.CONSORTIUM: _l("aux membres du consortium"),
    Audience.PARTNER: _l("au consortium et à ses partenaires"),
    Audience.NEWCOMER: _l("au consortium, aux partenaires et aux porteurs de projet"),
    Audience.EXTERNAL: _l("à tout le monde"),
}

# The six venue colours (app.core.colours), as the colour form names them.
VENUE_COLOUR_LABELS = {
    "brique": _l("Brique"),
    "ocre": _l("Ocre"),
    "pre": _l("Pré"),
    "lagune": _l("Lagune"),
    "indigo": _l("Indigo"),
    "prune": _l("Prune"),
}
