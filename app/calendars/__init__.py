"""Calendars: iCalendar feeds of bookings (mine, a resource's busy times, a venue's) and .ics downloads.

Every feed URL carries the user's secret calendar token (``User.calendar_token``): calendar
applications cannot log in. Resetting the token on the "Mon agenda" page makes every old URL
answer 404. See :mod:`app.calendars.feeds` for what the events carry.
"""
