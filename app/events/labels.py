"""The events' labels, in French (msgids), shown in the reader's language."""

from __future__ import annotations

from app.core.i18n import lazy_gettext as _l
from app.events.models import EventAudience, ProgrammeStatus, RegistrationStatus

AUDIENCE_LABELS = {
    EventAudience.ALL: _l("Tout public"),
    EventAudience.ADULTS: _l("Adultes"),
    EventAudience.YOUNG: _l("Jeunes"),
    EventAudience.FAMILIES: _l("Familles"),
    EventAudience.PROFESSIONALS: _l("Professionnels"),
}

PROGRAMME_LABELS = {
    ProgrammeStatus.NONE: _l("Évènement du lieu"),
    ProgrammeStatus.PROPOSED: _l("Proposé au programme commun"),
    ProgrammeStatus.VALIDATED: _l("Programme commun du consortium"),
    ProgrammeStatus.RETURNED: _l("Renvoyé par la coordination"),
}

STATUS_LABELS = {
    RegistrationStatus.CONFIRMED: _l("Confirmée"),
    RegistrationStatus.WAITLISTED: _l("Liste d'attente"),
    RegistrationStatus.CANCELLED: _l("Annulée"),
}
