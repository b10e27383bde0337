"""The money API (docs/money.md), one module per use case: the catalogue and settings
(``catalogue``), projections, visitation drafts with the manager's approval, bevillinger
and a case's economy (``visitation``), price updates (``pricing``), and payments with their
export and expected against actual spending (``payments``). ``backend.app`` mounts
``CONTROLLERS``.

The services raise the core's errors (``backend.core.errors``), which the application
turns into HTTP answers once; the routes need no try/except.
"""

from __future__ import annotations

from backend.money.routes.catalogue import CatalogueController
from backend.money.routes.payments import PaymentController
from backend.money.routes.pricing import PriceUpdateController
from backend.money.routes.visitation import VisitationController

CONTROLLERS = [CatalogueController, VisitationController, PriceUpdateController, PaymentController]


__all__ = ["CONTROLLERS"]
