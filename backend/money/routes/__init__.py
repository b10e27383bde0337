"""The money API (docs/money.md), one module per use case: the catalogue and settings
(``catalogue``), projections, visitation drafts with the manager's approval, bevillinger
and a case's economy (``visitation``), price updates (``pricing``), and payments with their
export and expected against actual spending (``payments``). ``backend.app`` mounts
``CONTROLLERS``.

The services raise the core's errors (``backend.core.errors``), which the application
turns into HTTP answers once; the routes need no try/except.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from litestar.exceptions import NotFoundException

from backend.errors import stale_conflict
from backend.money.routes.catalogue import CatalogueController
from backend.money.routes.payments import PaymentController
from backend.money.routes.pricing import PriceUpdateController
from backend.money.routes.visitation import VisitationController

CONTROLLERS = [CatalogueController, VisitationController, PriceUpdateController, PaymentController]


@contextmanager
def translated(not_found: str = "Findes ikke", what: str = "Posten") -> Iterator[None]:
    """Only for ``backend.mi.routes``, which still wraps its calls in it (mi is converted
    separately): a ``LookupError`` becomes 404 ``not_found`` and ``Stale`` names ``what``.
    The money routes do not use it; delete it when mi raises the core errors itself."""
    from backend.core.errors import Stale

    try:
        yield
    except Stale as exc:
        raise stale_conflict(exc, what) from exc
    except LookupError as exc:
        raise NotFoundException(not_found) from exc


__all__ = ["CONTROLLERS", "translated"]
