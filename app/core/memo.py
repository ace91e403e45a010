"""Remembering, for one request, what a page computes again and again with the same arguments
(a day's name in the reader's language, a URL): a calendar asks for the same few labels hundreds
of times. Outside a request the function simply runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import g, has_request_context

P = ParamSpec("P")
R = TypeVar("R")


def per_request(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` with its results kept until the end of the request (its arguments must be
    hashable, and its result depend only on them and on the request: language, user)."""

    @functools.wraps(function)
    def remembered(*args: P.args, **kwargs: P.kwargs) -> R:
        if not has_request_context():
            return function(*args, **kwargs)
        memo = g.setdefault("_per_request_memo", {})
        key = (function, args, tuple(sorted(kwargs.items())))
        if key not in memo:
            memo[key] = function(*args, **kwargs)
        return memo[key]

    return remembered
