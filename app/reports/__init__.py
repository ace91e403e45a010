"""Activity reports, the pooling ledger between venues, and the annual report (issue 19).

- ``periods``: the period asked for (month, quarter, year, any dates) and the one before it;
- ``sql``: the few expressions that differ between SQLite and PostgreSQL (seconds since the epoch,
  least/greatest), so that every figure is one aggregate query on both;
- ``figures``: the query functions (no request): bookings, occupancy, heat map, machines, kits,
  newcomers, each returning ``tables.Table`` rows grouped by the database;
- ``ledger``: the pooling ledger (venue × venue, and per organisation);
- ``sections``: the list of sections the page, the CSV and the PDF all read (one source); the
  events and money sections plug in there, one module each;
- ``charts`` (pygal SVG, no script), ``export`` (CSV), ``annual`` (the PDF), ``views`` (the page).
"""
