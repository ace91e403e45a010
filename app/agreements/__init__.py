"""Agreements (conventions de mise à disposition): numbered, versioned, accepted online, sealed, verifiable.

How an agreement lives:

1. The booking engine sends ``booking_approved`` inside its transaction; :mod:`app.agreements.issuing`
   receives it and adds the agreement *record* (number, version, a snapshot of everything the
   document says) to that transaction. Nothing is rendered there: an approval never waits for,
   nor fails because of, a PDF.
2. The PDF is rendered from the snapshot after the commit, once, by whoever needs it first: the
   first download (``storage.ensure_file``) or ``flask agreements render`` (run it from a timer or
   after a deployment to have every pending file ready). It is sealed (PAdES), stored under
   ``instance/agreements/`` with its SHA-256 and served from there ever after.
3. A change of a booking makes a new version and voids the previous one; both stay listed.
4. The borrower accepts online, a manager of the venue countersigns, and the final version (with a
   signature page carrying both records) is rendered and sealed the same way.
5. Anyone can check a file on the public verification page.
"""
