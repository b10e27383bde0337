"""The money package's queries, one module per service: ``catalogue``, ``visitation``,
``pricing``, ``payments``, ``settings``, ``spending``, ``costs`` and ``demo``.

Each function is one query (``get_…``, ``list_…``, ``insert_…``, ``update_…``, ``lock_…``)
and returns a ``msgspec.Struct`` built from the row, a plain value, or a list of those.
The SQL is hand-written where it holds a CTE, a lock or a lock order; every function runs
in the caller's tenant transaction (``backend.core.db.conn``). The reads the API shows
(lists and details with names) are in ``backend/money/repository.py``.
"""
