"""Web intake: the public ``/report/`` and ``/track/`` pages and the staff intake page.

Nothing here stores or logs a visitor's IP address or user agent; throttling keys live in the cache
only, as a keyed hash (see ``throttle.py``).
"""
