"""Translatable labels for the enumerations shown in the interface."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models import ResourceKind

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
