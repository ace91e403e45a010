"""Events and the common programme: a venue's events in its spaces, booked through the engine,
registrations with a waitlist, the public agenda, feeds and the printed programme.

- ``models``: categories, events, registrations;
- ``rules``: creating, moving and cancelling events (their space through ``app.bookings.service``),
  registering, cancelling a registration, attendance (trainings grant qualifications), the common
  programme's proposal and validation, and ``events_held`` for the reports. No request there.
"""
