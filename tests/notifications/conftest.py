"""Fixtures of the notifications' tests: the SMTP server on loopback and the app that sends to it
(``smtp``, ``mail_app``) come from the ``tests.smtp_server`` plugin; the world is the engine's
(``tests.factories.bookings.build_world``), which each test builds itself, some after the mail server is set up."""
