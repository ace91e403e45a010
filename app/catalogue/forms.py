"""The catalogue search form: sent by GET (it changes nothing, so no CSRF), its URL can be shared."""

from __future__ import annotations

from sqlalchemy import select
from wtforms import SearchField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.catalogue import search
from app.core.forms import Form, InputLength
from app.core.i18n import current_language
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models import ResourceKind, Theme, Venue
from app.models.labels import RESOURCE_KIND_LABELS

# The choices' queries, built once (building a statement costs more than running it).
_ACTIVE_VENUES = select(Venue).where(Venue.is_active.is_(True)).order_by(Venue.name)
_THEMES = select(Theme).order_by(Theme.position, Theme.id)


class SearchForm(Form):
    class Meta:
        csrf = False

    debut = StringField(_l("Début"), validators=[Optional(), InputLength(max=25)])
    fin = StringField(_l("Fin"), validators=[Optional(), InputLength(max=25)])
    quantite = StringField(_l("Nombre d'unités (kits)"), validators=[Optional(), InputLength(max=3)])
    lieu = SelectField(_l("Lieu"), validators=[Optional()], validate_choice=False)
    type = SelectField(_l("Type de ressource"), validators=[Optional()], validate_choice=False)
    theme = SelectField(_l("Thématique"), validators=[Optional()], validate_choice=False)
    q = SearchField(_l("Mots-clés"), validators=[Optional(), Length(max=100)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locale = current_language()
        self.venues = list(db.session.scalars(_ACTIVE_VENUES))
        self.themes = list(db.session.scalars(_THEMES))
        self.lieu.choices = [SelectChoice("", _l("Tous les lieux"))] + [
            SelectChoice(v.slug, v.name) for v in self.venues
        ]
        self.type.choices = [SelectChoice("", _l("Tous les types"))] + [
            SelectChoice(kind.value, RESOURCE_KIND_LABELS[kind]) for kind in ResourceKind
        ]
        self.theme.choices = [SelectChoice("", _l("Toutes les thématiques"))] + [
            SelectChoice(t.slug, t.name(locale)) for t in self.themes
        ]

    def criteria(self) -> search.Criteria | None:
        """The search asked for, or None with the messages put next to their fields."""
        self.validate()
        starts_at, ends_at, errors = search.period_errors(self.debut.data or "", self.fin.data or "")
        for name, message in errors.items():
            self[name].errors = [*self[name].errors, str(message)]
        quantity = 1
        if (self.quantite.data or "").strip():
            text = self.quantite.data.strip()
            if not text.isdigit() or not 1 <= int(text) <= 999:
                self.quantite.errors = [
                    *self.quantite.errors,
                    str(_l("Indiquez un nombre d'unités entier, 1 ou plus.")),
                ]
            else:
                quantity = int(text)
        if any(f.errors for f in self):
            return None
        return search.Criteria(
            venue=next((v for v in self.venues if v.slug == self.lieu.data), None),
            kind=ResourceKind(self.type.data) if self.type.data in {k.value for k in ResourceKind} else None,
            theme=next((t for t in self.themes if t.slug == self.theme.data), None),
            text=(self.q.data or "").strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            quantity=quantity,
        )
