"""Statutory statistics: the kommune's deliveries to Danmarks Statistik (issue 18 item 1).

``records`` turns the case data into DST records and checks them, ``service`` makes and
sends a delivery, ``sender`` is the HTTPS adapter, ``routes`` the administrator's API
(``Perm.REPORTING``). The format and what it rests on: docs/reporting.md.
"""
