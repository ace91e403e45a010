"""The booking engine: rules, availability, prices, transitions, series, kits and waitlist.

Views, the JSON API and the command line call ``app.bookings.service``; the
engine sends the events of ``app.bookings.signals`` inside its transactions.
"""
