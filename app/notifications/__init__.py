"""Notifications: every email is written in the transaction of the change that causes it, and sent afterwards.

How to send an email from a feature
-----------------------------------
Call :func:`notify` inside the transaction of the change (a view's or a CLI command's, before its
single commit; never after it)::

    from app.notifications import Recipient, notify

    notify(user, "agreements/email/ready", agreement=agreement, link=link)
    notify(Recipient(request.email, request.locale, request.name), "newcomers/email/received", request=request)

- ``user`` is a :class:`~app.models.User` (its ``email``, ``name``, ``locale``; a closed account
  gets nothing) or a :class:`Recipient` for an address without an account;
- ``"agreements/email/ready"`` names the template ``agreements/email/ready.txt`` (in the feature's
  own templates folder), which sets its subject at the top
  (``{% set subject = _("Convention %(number)s à accepter", number=agreement.number) %}``) and may
  have an HTML twin ``ready.html``; otherwise the HTML part is made from the text. Both render in
  the recipient's language, with ``recipient``, ``period_text(start, end)`` and
  ``absolute_url(endpoint, **values)`` available; the partials ``notifications/email/_greeting.txt``
  and ``_footer.txt`` give the usual opening and signature;
- ``digest=True`` lets a manager who chose the daily digest get it there instead.

The row is added to ``db.session`` without a commit: the caller's commit makes it real, a rollback
takes it away. :func:`send_email` (``to, subject, text, html=None``) is the lower-level form for an
already written message, in the current language.

Delivery is a separate step, :mod:`app.notifications.outbox`: ``flask outbox send`` (once) or
``flask outbox send --loop`` (a worker), with retries and dead letters that coordinators see at
``/gestion/coordination/courriels``. Without ``SMTP_HOST`` (development, tests) the messages are written as
``.eml`` files in ``instance/outbox/`` right after the commit (``OUTBOX_DELIVER_ON_COMMIT``).

Also here: the daily digest (:mod:`.digest`) and the registry of reminders (:mod:`.reminders`,
``flask reminders``). The notices themselves belong to the features: ``app.bookings.notices``,
``app.agreements.notices``, ``app.newcomers.notices``; each registers its reminders.
"""

from app.notifications import outbox  # noqa: F401 - its after-commit hook delivers in development
from app.notifications.compose import Recipient, notify
from app.notifications.mail import send_email

__all__ = ["Recipient", "notify", "send_email"]
