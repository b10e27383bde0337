"""Transfers of a case to another kommune (Barnets Lov § 132), requests for a case, and
notifications forwarded after a transfer: the names other packages and the job registry
import, kept here while they move to the use-case modules.

- ``send``: send a case, accept or reject one, the import, the sender hearing back;
- ``request``: ask another kommune for a case, answer such a request;
- ``forward``: notifications forwarded to the kommune that has the case;
- ``reading``: transfers and requests as either side reads them;
- ``handlers``: the outbox jobs (importing this module registers them);
- ``repository``: every query; ``wording``: the Danish texts; ``common``: the path of a
  transfer, posting across kommuner, the inbox and the errors.
"""

from __future__ import annotations

from backend.crosskommune import handlers as handlers  # registers the outbox jobs
from backend.crosskommune.common import IMPORT_JOB as IMPORT_JOB
from backend.crosskommune.common import TAKEOVER_BASIS as TAKEOVER_BASIS
from backend.crosskommune.common import TransferConflict as TransferConflict
from backend.crosskommune.forward import forward_if_transferred as forward_if_transferred
from backend.crosskommune.wording import TABLE_LABELS as TABLE_LABELS
from backend.crosskommune.wording import counts_text as counts_text
from backend.crosskommune.wording import import_report as import_report
from backend.crosskommune.wording import package_contents as package_contents
