"""Every module that registers outbox jobs. The API and the worker both import this, so
``enqueue`` knows every job name and the worker can run it."""

import backend.audit.tasks  # noqa: F401
