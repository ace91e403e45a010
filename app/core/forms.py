"""Small forms used by the layout."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice


class LanguageForm(FlaskForm):
    locale = SelectField(choices=[SelectChoice("fr", "Français"), SelectChoice("en", "English")])
    next = HiddenField()


class EmptyForm(FlaskForm):
    """Protects POST-only buttons (log out, cancel…) with a CSRF token."""
