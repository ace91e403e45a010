"""Billing: each venue sells in its own name. Its billing identity, invoices and credit notes
(numbered without gaps per venue, kind and year, never changed once issued), and their Factur-X
files (PDF/A-3 with the EN 16931 XML inside).

- ``models``: the tables; ``numbering``: the gap-free numbers; ``sources``: what a line sells;
- ``issuing``: invoices on approval, credit notes on cancellation, in the engine's transaction;
- ``identity``: the identity's rules; ``facturx``: the XML; ``rendering`` and ``storage``: the
  PDF, made after the commit, retried by ``flask billing render``;
- ``views``: the venue's identity and invoices (managers), a member's invoices.
"""
