"""How a rule says no, everywhere: a :class:`Refusal` carrying one or more :class:`Reason`.

A reason has a stable ``code`` (the JSON API exposes it), a translatable ``message`` (a
``lazy_gettext`` string, formatted when shown, in the reader's language) and the form ``field``
it belongs next to (None: the whole form). Views put them on the form with
``app.core.responses.add_errors``, or show ``str(refusal)`` beside a button.

Features subclass :class:`Refusal` where a caller must tell cases apart, with the ``code`` their
reasons get by default. A refusal is made from reasons, from ``{field: message}``, or from one
message (and its field)::

    raise Refusal([Reason("past", _l("Ce créneau est passé."), "starts_at")])
    raise InvalidResource({"slug": _l("Cette adresse est déjà prise.")})
    raise MembershipRefused(_l("Cette personne est déjà membre du lieu."), field="email")
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    """One reason for refusing; ``field`` names the form field it belongs next to, if any."""

    code: str
    message: object  # a lazy string: str(reason.message) translates it
    field: str | None = None

    def __str__(self) -> str:
        return str(self.message)


class _Default:
    """The class's own ``field``, when a refusal made from one message names none."""


class Refusal(Exception):
    """A rule refuses an operation; nothing was written."""

    code = "refused"  # the code of reasons made from plain messages
    field: str | None = None  # the field of a refusal made from one message, by default

    def __init__(self, reasons: object, field: str | None | type[_Default] = _Default):
        default_field = self.field if field is _Default else field
        if isinstance(reasons, Reason):
            found = [reasons]
        elif isinstance(reasons, list | tuple):
            found = [r if isinstance(r, Reason) else Reason(self.code, r, default_field) for r in reasons]  # type: ignore[arg-type]
        elif isinstance(reasons, Mapping):
            found = [
                Reason(self.code, message, name)
                for name, messages in reasons.items()
                for message in (messages if isinstance(messages, list | tuple) else [messages])
            ]
        else:
            found = [Reason(self.code, reasons, default_field)]  # type: ignore[arg-type]
        if not found:
            raise ValueError("a refusal needs at least one reason")
        self.reasons = found
        super().__init__(", ".join(reason.code for reason in found))

    def __str__(self) -> str:
        return " ".join(self.messages)

    @property
    def codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]

    @property
    def messages(self) -> list[str]:
        return [str(reason.message) for reason in self.reasons]

    def by_field(self) -> dict[str, list[str]]:
        """Messages grouped by form field ("" for those of the whole form), for a view to show."""
        grouped: dict[str, list[str]] = {}
        for reason in self.reasons:
            grouped.setdefault(reason.field or "", []).append(str(reason.message))
        return grouped


def refuse(code: str, message: object, field: str | None = None) -> Refusal:
    return Refusal(Reason(code, message, field))
