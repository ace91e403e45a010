"""The words shown for the documentation's values, in one place."""

from __future__ import annotations

from app.core.i18n import lazy_gettext as _l
from app.documentation.models import Language, Licence, ProjectStatus, ToolAudience, Visibility

LANGUAGE_LABELS = {Language.FR: _l("Français"), Language.EN: _l("Anglais")}

AUDIENCE_LABELS = {
    ToolAudience.CHILDREN: _l("Enfants"),
    ToolAudience.TEENAGERS: _l("Adolescents"),
    ToolAudience.ADULTS: _l("Adultes"),
    ToolAudience.SENIORS: _l("Seniors"),
    ToolAudience.FAMILIES: _l("Familles"),
    ToolAudience.PROFESSIONALS: _l("Médiateurs et animateurs"),
    ToolAudience.EVERYONE: _l("Tous publics"),
}

VISIBILITY_LABELS = {
    Visibility.PUBLIC: _l("Public"),
    Visibility.MEMBERS: _l("Réservé aux membres"),
}

# The licence's short name, and what it allows in words.
LICENCE_LABELS = {
    Licence.CC_BY: ("CC BY 4.0", _l("attribution")),
    Licence.CC_BY_SA: ("CC BY-SA 4.0", _l("attribution, partage dans les mêmes conditions")),
    Licence.CC_BY_NC: ("CC BY-NC 4.0", _l("attribution, pas d'utilisation commerciale")),
    Licence.CC_BY_NC_SA: (
        "CC BY-NC-SA 4.0",
        _l("attribution, pas d'utilisation commerciale, partage dans les mêmes conditions"),
    ),
    Licence.CC_BY_ND: ("CC BY-ND 4.0", _l("attribution, pas de modification")),
    Licence.CC_BY_NC_ND: ("CC BY-NC-ND 4.0", _l("attribution, pas d'utilisation commerciale, pas de modification")),
    Licence.CC0: ("CC0 1.0", _l("domaine public")),
}


def licence_label(licence: Licence) -> str:
    name, words = LICENCE_LABELS[licence]
    return f"{name} — {words}"


LICENCE_URLS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/deed.fr",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/deed.fr",
    Licence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/deed.fr",
    Licence.CC_BY_NC_SA: "https://creativecommons.org/licenses/by-nc-sa/4.0/deed.fr",
    Licence.CC_BY_ND: "https://creativecommons.org/licenses/by-nd/4.0/deed.fr",
    Licence.CC_BY_NC_ND: "https://creativecommons.org/licenses/by-nc-nd/4.0/deed.fr",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/deed.fr",
}

STATUS_LABELS = {
    ProjectStatus.SUBMITTED: _l("en attente de modération"),
    ProjectStatus.PUBLISHED: _l("publié"),
    ProjectStatus.REJECTED: _l("renvoyé à son auteur·e"),
}

KIND_LABELS = {"guide": _l("Guide"), "tool": _l("Outil de médiation"), "project": _l("Projet")}
