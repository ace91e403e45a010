"""Who reaches the staff area, in one place: every staff page and blueprint uses these guards.

| guard | who passes | the others |
| --- | --- | --- |
| :func:`staff_required`, :func:`staff_only` | a manager of at least one venue, or a coordinator | anonymous: the log-in page (``HX-Redirect`` for htmx); logged in: 403 |
| :func:`coordinator_required`, :func:`coordinator_only` | a coordinator | the same |

What a manager may do in one venue (its resources, its requests) is the feature's rule
(``app.manage.permissions``, ``app.desk.rules``…); those answer 404 for another venue's things.
All staff pages live under ``/gestion/`` (``STAFF_PREFIX``); the coordinators' under
``/gestion/coordination/``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app
from flask_login import current_user

STAFF_PREFIX = "/gestion"
COORDINATION_PREFIX = "/gestion/coordination"


def is_staff(user: Any) -> bool:
    """A manager of at least one venue, or a coordinator, with an open account."""
    return bool(user.is_authenticated and user.is_active and (user.is_coordinator or user.is_manager))


def is_coordinator(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_coordinator)


def _guard(check: Callable[[Any], bool]):
    """None when the current user passes ``check``; else the answer they get."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    if not check(current_user):
        abort(403)
    return None


def staff_only():
    """For ``blueprint.before_request``: every page of the blueprint is staff's."""
    return _guard(is_staff)


def coordinator_only():
    """For ``blueprint.before_request``: every page of the blueprint is the coordinators'."""
    return _guard(is_coordinator)


def _decorator(check: Callable[[Any], bool]):
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            refused = _guard(check)
            if refused is not None:
                return refused
            return view(*args, **kwargs)

        return guarded

    return decorate


staff_required = _decorator(is_staff)
coordinator_required = _decorator(is_coordinator)
