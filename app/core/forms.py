"""The forms' common base, with its guard against hostile input, and small forms of the layout.

Every form of the service derives from ``Form``. Before a field's own validators, a guard
refuses, with a message next to the field:

- text with a NUL byte or another control character (a line break is fine in a text area);
- text longer than the field's ``Length`` or, when it has none, than 500 characters (10,000 in
  a text area);
- a date outside ``EARLIEST_DAY``..``latest_day()`` (2000 to ten years ahead): its value is then
  dropped (the text typed stays in the field), so that no rule ever sees the year 1 or 9999;
- a whole number beyond what the databases store (32 bits).
"""

from __future__ import annotations

import re
from datetime import date, datetime

import wtforms
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, StopValidation
from wtforms.widgets import TextArea

from app.core.clock import EARLIEST_DAY, latest_day, within_reach
from app.core.i18n import format_day
from app.core.i18n import lazy_gettext as _l

MAX_INTEGER = 2**31 - 1  # PostgreSQL's INTEGER
LINE_MAX_LENGTH = 500
TEXT_MAX_LENGTH = 10_000
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, line feed and carriage return pass


def _values(field: Field) -> list:
    data = field.data
    return list(data) if isinstance(data, (list, tuple, set)) else [data]


def _max_length(field: Field) -> int:
    lengths = [v.max for v in field.validators if isinstance(v, Length) and v.max >= 0]
    if lengths:
        return min(lengths)
    return TEXT_MAX_LENGTH if isinstance(field.widget, TextArea) else LINE_MAX_LENGTH


class InputLength(Length):
    """``Length(max=)`` for a date, month or number input: the same check, without the ``maxlength``
    attribute, which HTML does not allow on those inputs."""

    def __init__(self, max: int, message=None):
        super().__init__(max=max, message=message)
        self.field_flags: dict[str, object] = {}


def out_of_reach_message():
    """What a date out of reach is told: the range the service works with."""
    return _l(
        "Choisissez une date entre le %(first)s et le %(last)s.",
        first=format_day(EARLIEST_DAY, "long"),
        last=format_day(latest_day(), "long"),
    )


def input_guard(form, field: Field) -> None:
    """The first validator of every field (see the module's docstring)."""
    for value in _values(field):
        if isinstance(value, str):
            control = _CONTROL_IN_TEXT if isinstance(field.widget, TextArea) else _CONTROL_IN_LINE
            if control.search(value):
                raise StopValidation(_l("Ce texte contient des caractères invisibles non admis : retirez-les."))
            limit = _max_length(field)
            if len(value) > limit:
                raise StopValidation(_l("%(max)d caractères au plus.", max=limit))
        elif isinstance(value, (date, datetime)):
            if not within_reach(value.date() if isinstance(value, datetime) else value):
                field.data = None
                raise StopValidation(out_of_reach_message())
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
            field.data = None
            raise StopValidation(_l("Ce nombre est trop grand."))


class _Guarded:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self:
            field.validators = [input_guard, *field.validators]


class Form(_Guarded, FlaskForm):
    """The base of every form: CSRF (Flask-WTF) and the guard against hostile input. The hidden
    CSRF input has no id: a page may hold many forms (one per row), and ids must be unique."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "csrf_token" in self._fields:
            self._fields["csrf_token"].render_kw = {"id": False}


class Subform(_Guarded, wtforms.Form):
    """A form within a form (``FormField``, ``FieldList``), guarded the same way, without CSRF of its own."""


class LanguageForm(Form):
    locale = SelectField(choices=[SelectChoice("fr", "Français"), SelectChoice("en", "English")])
    next = HiddenField()


class EmptyForm(Form):
    """Protects POST-only buttons (log out, cancel…) with a CSRF token."""


# --- Required fields, said one way in every form (templates/_forms.html) ---------------------------

_NEVER_SHOWN = ("HiddenField", "CSRFTokenField", "SubmitField")


def is_required(field: Field) -> bool:
    """Whether the field is rendered ``required`` (a DataRequired/InputRequired validator, or
    ``render_kw``): its label then carries the required-field mark."""
    return field.type not in _NEVER_SHOWN and bool(
        getattr(field.flags, "required", False) or (field.render_kw or {}).get("required")
    )


def has_required(form) -> bool:
    """Whether any field of the form (or of a form within it) is required: the form then says what
    the mark means."""
    for field in form:
        if field.type == "FormField" and has_required(field.form):
            return True
        if is_required(field):
            return True
    return False
