"""What the events feature tells others, inside the transaction of the change (the receivers only
add rows to the session: the partners' webhooks, ``app.api.partners``).

Sent with the ``Event`` as sender:

- ``event_published``: a new event (each occurrence of a repeated one);
- ``event_changed``: its times or details changed, it was cancelled (``event.is_cancelled``), or the
  consortium validated it into the common programme (``event.labelled``).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

event_published = _signals.signal("event-published")
event_changed = _signals.signal("event-changed")
