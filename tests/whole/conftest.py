"""Fixtures of the tests of the application as a whole (the factory and settings, the migrations,
hostile input over every route, the weight of every page): none shared; a module's own fixtures
(``walk``, ``blank_database_url``) stay beside its tests."""
