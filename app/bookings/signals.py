"""Booking events, sent by the booking engine inside the transaction that makes the change.

Receivers (notifications, agreements, calendars) run synchronously in that same
transaction: whatever they write (an outbox row, an agreement record) commits or
rolls back together with the change. They must only add rows to the session,
never commit, and never do slow work (sending mail, rendering a PDF) inline.

Every signal is sent with the ``Booking`` as sender and these keyword arguments:
``actor`` (the User who acted, or None for the system) and ``reason`` (str, may be "").
``booking_edited`` also gets ``changes`` (dict of field -> (old, new)).

What the engine sends, in order, within one operation (``app/bookings/lifecycle.py``):

- a request: ``booking_requested``; or, when the approval policy approves it at
  once, ``booking_approved`` with ``actor=None`` (and no ``booking_requested``);
- an approval: ``booking_approved``, then ``booking_rejected`` for each pending
  request it now collides with (same actor, reason "Le créneau a été attribué à
  une autre demande.");
- an edit: ``booking_edited`` (the booking already has its new values and status);
  a pending request edited stays "requested"; an approved booking shortened stays
  approved; an approved booking made longer, moved or given more units sends nothing about itself:
  ``change_requested`` (sender: the ``BookingChange``) and, once a manager decides,
  ``booking_edited`` (accepted) or ``change_refused`` (refused). When the policy
  approves the change at once, the booking is edited and ``booking_approved`` follows
  with ``actor=None``;
- a series: one signal per occurrence (``booking.series_id`` groups them);
- a cancelled approved booking, a shortened one, a kit returned early: after the
  booking's own signal, ``waitlist_offered`` once per member offered the slot, in
  the order they joined the list (sender: the ``WaitlistEntry``; keyword arguments
  ``booking``, the booking that freed the slot, plus ``actor`` and ``reason``).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

booking_requested = _signals.signal("booking-requested")  # a new request waits for a manager
booking_approved = _signals.signal("booking-approved")  # approved (by a manager or automatically)
booking_rejected = _signals.signal("booking-rejected")
booking_cancelled = _signals.signal("booking-cancelled")
booking_edited = _signals.signal("booking-edited")  # times, quantity or price changed
booking_handed_over = _signals.signal("booking-handed-over")  # kits
booking_returned = _signals.signal("booking-returned")  # kits
# Sent with the waitlist entry as sender, and ``booking`` (the freed Booking) as keyword.
waitlist_offered = _signals.signal("waitlist-offered")
# A change to an approved booking waits for a manager, or was refused (``app.bookings.changes``).
# Sent with the ``BookingChange`` as sender; an approved change sends ``booking_edited``.
change_requested = _signals.signal("change-requested")
change_refused = _signals.signal("change-refused")
