"""The administration blueprint, its guard, and what every administration view shares.

Refusals: anonymous → log in (``HX-Redirect`` for htmx); a user who manages no venue
and is not a coordinator → 403; another venue's things → 404; coordination pages for
a manager → 403.
"""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request
from flask_login import current_user

from app.core.navigation import safe_next_url
from app.core.web import is_htmx_fragment_request
from app.manage import permissions
from app.models import Venue

bp = Blueprint("manage", __name__, url_prefix="/gestion", template_folder="templates")


@bp.before_request
def _only_managers_and_coordinators():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not permissions.can_use_administration(current_user):
        abort(403)
    return None


def coordinator_only(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not permissions.can_coordinate(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def venue_or_404(slug: str) -> Venue:
    venue = permissions.find_managed_venue(current_user, slug)
    if venue is None:
        abort(404)
    return venue


def found_or_404(thing):
    if thing is None:
        abort(404)
    return thing


def add_errors(form, errors: dict) -> None:
    """Put a rule's messages next to their fields; a message without a field goes on the form."""
    for name, message in errors.items():
        if name is not None and name in form:
            form[name].errors = [*form[name].errors, str(message)]
        else:
            form.form_errors.append(str(message))


def page(template: str, status: int = 200, **context):
    return render_template(template, **context), status


def list_page(template: str, rows_template: str, rows_target: str, **context):
    """A list page; an htmx request aimed at its rows (a filter, a search) gets the rows alone."""
    if is_htmx_fragment_request(rows_target):
        return render_template(rows_template, **context)
    return page(template, **context)


def form_page(template: str, form, **context):
    """A page holding a form: 422 when the submitted form has errors, so htmx swaps it and tests see it."""
    status = 422 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return page(template, status, form=form, **context)


def back_to(fallback: str) -> str:
    """Where a plain (no JavaScript) action goes back to: the page it came from, if local."""
    return safe_next_url(request.form.get("next"), fallback)


def action_done(message: str, fallback: str, fragment_target: str, render_fragment, category: str = "success"):
    """The answer to an inline action: the updated row for htmx, else a redirect (303) with a message."""
    if is_htmx_fragment_request(fragment_target):
        return render_fragment(status_message=message)
    flash(message, category)
    return redirect(back_to(fallback), code=303)


def action_refused(message: str, fallback: str, fragment_target: str, render_fragment):
    """An inline action that cannot be done: the row with the reason (422) for htmx, else a message."""
    if is_htmx_fragment_request(fragment_target):
        body = render_fragment(error_message=message)
        return body, 422
    flash(message, "error")
    return redirect(back_to(fallback), code=303)
