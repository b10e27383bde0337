"""Management information (dashboards for managers and the kommune), standard searches
and Excel exports. See docs/money.md."""
