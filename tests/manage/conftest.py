"""Fixtures of the administration's tests (its pages and ``flask users``). Their world is built by
``tests.factories.manage.build_consortium`` (committed), which each test calls; the parsing tests'
``french`` request context stays beside them."""
