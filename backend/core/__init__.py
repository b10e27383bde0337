"""The shared core: a leaf every backend package may import, that imports none of them.

- ``errors``: the domain errors (``NotFound``, ``FieldError``, ``Stale``, ``StateConflict``,
  ``CaseClosed``, ``NotAllowed``). Services raise them; ``backend.errors`` maps each to its
  HTTP answer once, as application-level exception handlers.
- ``principal``: the signed-in user (``Principal``) and the ``me`` dependency every route
  handler may declare (``me: Me``).
- ``permissions``: roles and what they may do (the one place in code).
- ``db``: ``conn()``, the connection of the request's tenant transaction.
- ``journal``: ``stamp``, the automatic journal entry written with every event.
- ``cpr``: ``check_cpr``; ``danish``: Danish time, plurals, kroner, deadlines in words;
  ``workdays``: Danish working days and months; ``vocab``: shared vocabularies.

It may import the standard library, third-party libraries and ``tenancy``; never another
``backend`` package (``tests/test_structure.py`` checks that).
"""
