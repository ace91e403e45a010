"""The answers every view gives, in one place: a page, a form page (422 when its form has errors),
an inline action done or refused (the htmx row, or a 303 redirect with a message), and a rule's
refusal put next to the form's fields.

Every page works with plain links and forms first: htmx only changes what comes back (a fragment
instead of the page, when it targets one), never whether the action is done.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import flash, redirect, render_template, request

from app.core.navigation import safe_next_url
from app.core.refusals import Refusal
from app.core.web import is_htmx_fragment_request


def page(template: str, status: int = 200, **context):
    return render_template(template, **context), status


def list_page(template: str, rows_template: str, rows_target: str, **context):
    """A list page; an htmx request aimed at its rows (a filter, a search) gets the rows alone."""
    if is_htmx_fragment_request(rows_target):
        return render_template(rows_template, **context)
    return page(template, **context)


def form_status(form) -> int:
    """422 for a submitted form with errors (htmx swaps it in place, tests see it), else 200."""
    return 422 if request.method == "POST" and (form.errors or getattr(form, "form_errors", None)) else 200


def form_page(template: str, form, **context):
    """A page holding a form, with the status of :func:`form_status`."""
    return page(template, form_status(form), form=form, **context)


def back_to(fallback: str) -> str:
    """Where a plain (no JavaScript) action goes back to: the page it came from, if local."""
    return safe_next_url(request.form.get("next"), fallback)


def action_done(message: str, fallback: str, fragment_target: str, render_fragment, category: str = "success"):
    """The answer to an inline action: the updated row for htmx, else a redirect (303) with a message."""
    if is_htmx_fragment_request(fragment_target):
        return render_fragment(status_message=message)
    flash(message, category)
    return redirect(back_to(fallback), code=303)


def action_refused(message: str, fallback: str, fragment_target: str, render_fragment: Callable):
    """An inline action that cannot be done: the row with the reason (422) for htmx, else a message."""
    if is_htmx_fragment_request(fragment_target):
        return render_fragment(error_message=message), 422
    flash(message, "error")
    return redirect(back_to(fallback), code=303)


def add_errors(form, refusal: Refusal | Mapping) -> None:
    """A rule's messages next to their fields; those of the whole form (no field, or a field the
    form does not show) above it. Takes a :class:`Refusal`, or ``{field: message or messages}``."""
    grouped = refusal.by_field() if isinstance(refusal, Refusal) else refusal
    for name, messages in grouped.items():
        texts = [str(message) for message in (messages if isinstance(messages, list | tuple) else [messages])]
        if name and name in form:
            form[name].errors = [*form[name].errors, *texts]
        else:
            form.form_errors.extend(texts)
