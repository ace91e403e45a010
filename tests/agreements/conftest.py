"""Fixtures of the agreements' tests. Their world is built by ``tests.factories.agreements.make_world``,
which each test calls (some with the borrower's language), or, for the agreements driven by the real
booking engine, by ``tests.factories.bookings.build_world``; a module's own scenario fixtures
(``issued``, ``two_versions``) stay beside the tests that use them."""
