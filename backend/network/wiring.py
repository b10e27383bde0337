"""Plugs the SF1520 client into the operator's "Test forbindelsen"
(``backend.integrations.probe``), which sits below this package and cannot import it."""

from backend.network import sf1520

sf1520.register()
