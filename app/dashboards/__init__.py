"""The homes after login (issue 22): a member's (next bookings, agreements to accept, invoices to
pay, a "what is free" search box) and a manager's (today's kits, requests waiting oldest first and
their collisions, closures to confirm, newcomers waiting for an answer).

- ``rules``: what each home lists, from the features' own query functions (no request);
- ``views``: the page (``/tableau-de-bord``), where logging in leads.
"""
