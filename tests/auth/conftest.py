"""Fixtures of the accounts' tests (sign-up, log-in, profile, rate limits): none of their own; they use the
suite's (``app``, ``client``, ``outbox``) and build their rows with ``tests.factories``."""
