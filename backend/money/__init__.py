"""Money: the catalogue of measure types, suppliers, offers and prices; the visitation with
costs and the manager's approval; bevillinger and their prices; price updates; payments
and their export to the kommune's finance system. See docs/money.md."""
