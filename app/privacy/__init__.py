"""Personal data: the privacy page (``docs/privacy.md``), a member's export of their data, and the
erasure of an account, asked for by its member and confirmed by a coordinator."""
