"""Fixtures of the newcomers' tests. Their world (the six themes and venues, a manager for each, the
default routing) is built by ``tests.factories.newcomers.consortium``, which each test calls; what the
public form sends and the requests read back are there too."""
