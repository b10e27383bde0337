"""Arkiveringsversioner for Rigsarkivet (issue 18 item 3; docs/reporting.md "Rigsarkivet")."""
