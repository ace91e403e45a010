"""The managers' and coordinators' administration pages (``/gestion``).

Rules live in plain modules with no request (``permissions``, ``resources``, ``closures``,
``qualifications``, ``memberships``, ``coordination``, ``photos``, ``parsing``, ``audit``);
``forms`` holds the WTForms, ``views`` the blueprint.
"""
