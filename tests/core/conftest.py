"""Fixtures of the core's tests (languages, the system checks): none shared; they use the suite's
and ``tests.factories``."""
