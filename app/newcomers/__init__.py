"""Newcomers: test-space requests routed to the right venue, followed without an account."""
