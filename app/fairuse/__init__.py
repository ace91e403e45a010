"""Booking for someone else, the path to a training, and fair use (issue 13).

- ``on_behalf``: a manager books a resource of their venue for a member (someone who called):
  the engine's rules for that member, the member emailed, the audit trail naming the manager;
- ``training``: a member refused for lack of qualification asks for a training; the venue's
  managers are emailed and see the request on their desk. ``upcoming_training_sessions`` is where
  the events feature plugs in the venue's next sessions;
- the quotas themselves are the engine's (``app.bookings.quotas``), set on the resource's page.
"""
