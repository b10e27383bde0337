"""Every module that registers outbox jobs. The API and the worker both import this, so
``enqueue`` knows every job name and the worker can run it."""

import backend.audit.tasks
import backend.crosskommune.index
import backend.crosskommune.transfer
import backend.mi.exports
import backend.money.tasks  # noqa: F401
