"""Required and optional fields follow one convention in every form (issue 15, WCAG 3.3.2, RGAA
11.10): each form with a required field says once, at its top, "Les champs marqués d'un astérisque
(*) sont obligatoires.", and the label of each of its required fields carries the asterisk; a field
without it is optional.

Checked on every page each role reaches by links on the demo data (``tests/crawl.py``), in French,
and on the English pages of one role for the sentence's translation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from app.demo.data import load_demo
from app.extensions import db
from tests.crawl import ROLES, crawl_as

NOTE = {
    "fr": "Les champs marqués d'un astérisque (*) sont obligatoires.",
    "en": "Fields marked with an asterisk (*) are required.",
}
CONTROLS = ("input", "select", "textarea")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class _Form:
    action: str
    notes_before: int  # notes since the previous form ended (its own top, just before it)
    notes_inside: int = 0
    required: list[str] = field(default_factory=list)  # the required controls' ids (or names)
    marked: set[str] = field(default_factory=set)  # the ids whose label (or legend) carries the mark


class _Forms(HTMLParser):
    """Each form of a page: how many required-field notes stand at its top, its required controls,
    and which of them have a label (or a fieldset legend) with the mark."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self.notes_since_form = 0
        self.form: _Form | None = None
        self.in_note = False
        self.note_text = ""
        self.labels: list[dict] = []  # open labels: {"for": id, "marked": bool, "controls": [ids]}
        self.fieldsets: list[dict] = []  # open fieldsets: {"marked": bool, "controls": [ids], "in_legend": bool}
        self.label_for: dict[str, bool] = {}  # label for=id → marked, on the whole page
        self.pending: list[tuple[_Form, str]] = []  # required controls, resolved at the end

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "form":
            self.form = _Form(a.get("action") or "", self.notes_since_form)
            self.forms.append(self.form)
        elif tag == "p" and "required-note" in classes:
            self.in_note, self.note_text = True, ""
        elif tag == "label":
            self.labels.append({"for": a.get("for"), "marked": False, "controls": []})
        elif tag == "fieldset":
            self.fieldsets.append({"marked": False, "controls": [], "in_legend": False})
        elif tag == "legend" and self.fieldsets:
            self.fieldsets[-1]["in_legend"] = True
        elif tag == "span" and "required-mark" in classes:
            if self.labels:
                self.labels[-1]["marked"] = True
            elif self.fieldsets and self.fieldsets[-1]["in_legend"]:
                self.fieldsets[-1]["marked"] = True
        if tag in CONTROLS and "required" in a and a.get("type") != "hidden":
            key = a.get("id") or a.get("name") or "?"
            form = self.forms[-1] if self.form is not None else None
            owner = form if a.get("form") is None else None  # form="…": checked where it belongs
            if owner is not None:
                owner.required.append(key)
                self.pending.append((owner, key))
            for label in self.labels:
                label["controls"].append(key)
            for fieldset in self.fieldsets:
                fieldset["controls"].append(key)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
            self.notes_since_form = 0
        elif tag == "p" and self.in_note:
            self.in_note = False
            if self.form is not None:
                self.form.notes_inside += 1
            else:
                self.notes_since_form += 1
            self.notes_text = self.note_text
        elif tag == "label" and self.labels:
            label = self.labels.pop()
            if label["for"]:
                self.label_for[label["for"]] = self.label_for.get(label["for"], False) or label["marked"]
            for key in label["controls"]:
                if label["marked"]:
                    self._mark(key)
        elif tag == "legend" and self.fieldsets:
            self.fieldsets[-1]["in_legend"] = False
        elif tag == "fieldset" and self.fieldsets:
            fieldset = self.fieldsets.pop()
            if fieldset["marked"]:
                for key in fieldset["controls"]:
                    self._mark(key)

    def handle_data(self, data):
        if self.in_note:
            self.note_text += data

    def _mark(self, key: str) -> None:
        for form, pending_key in self.pending:
            if pending_key == key:
                form.marked.add(key)

    def close(self):
        super().close()
        for form, key in self.pending:
            if self.label_for.get(key):
                form.marked.add(key)


def problems_of(html: str) -> list[str]:
    parser = _Forms()
    parser.feed(html)
    parser.close()
    found = []
    for form in parser.forms:
        notes = form.notes_before + form.notes_inside
        if form.required and notes != 1:
            found.append(f"form {form.action}: {notes} required-field notes at its top, not 1")
        if not form.required and form.notes_inside:
            found.append(f"form {form.action}: a required-field note, and no required field")
        unmarked = [key for key in form.required if key not in form.marked]
        if unmarked:
            found.append(f"form {form.action}: required without the mark on its label: {unmarked}")
    return found


def test_every_form_states_the_convention_once_and_marks_its_required_fields(app):
    assert load_demo()
    db.session.commit()
    problems: dict[str, list[str]] = {}
    forms_with_required = 0
    for role, email in ROLES.items():
        for language in ("fr", "en") if role == "member" else ("fr",):
            for url, html in crawl_as(app, email, language).items():
                found = problems_of(html)
                if found:
                    problems[f"{role}/{language} {url}"] = found
                if 'class="required-mark"' in html:
                    forms_with_required += 1
                    assert NOTE[language] in html, f"{role}/{language} {url}: the note is not in {language}"
    assert forms_with_required >= 20  # the log-in form, the booking form, the venue forms…
    assert problems == {}, "\n".join(f"{page}: {'; '.join(found)}" for page, found in sorted(problems.items()))


def test_the_checker_sees_a_missing_note_or_mark():
    """The parser above does find a form with no note, and a required field with no mark."""
    note = f'<p class="hint required-note">{NOTE["fr"]}</p>'
    good = (
        note
        + '<form action="/a"><label for="x">X <span class="required-mark">*</span></label><input id="x" required></form>'
    )
    assert problems_of(good) == []
    assert problems_of(good.replace(note, ""))  # no note
    assert problems_of(good.replace('<span class="required-mark">*</span>', ""))  # no mark
    assert problems_of(note + good)  # twice
