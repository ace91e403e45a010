"""Fixtures of the personal data's tests: the agreements' world (``tests.factories.agreements``) is
built by the ``accepted`` scenario beside the tests that use it."""
