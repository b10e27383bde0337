"""Every module that registers outbox jobs or subscribes to casework's events and ports.
The API and the worker both import this, so ``enqueue`` knows every job name, the worker
can run it, and casework's events reach their subscribers in both."""

import backend.archive.tasks  # arkiveringsversioner: write and read back
import backend.archive.wiring  # retention's ArchivedCases port
import backend.audit.tasks
import backend.crosskommune.handlers  # the transfer jobs
import backend.crosskommune.index
import backend.crosskommune.subscribers  # casework's events and ports
import backend.documents.tasks  # text extraction and conversion to PDF
import backend.extract.tasks
import backend.integrations.fkorg  # fkorg.import
import backend.integrations.sagsindeks  # sagsindeks.push
import backend.mi.exports
import backend.money.grants  # casework's Grant port
import backend.money.tasks
import backend.network.registration  # casework's AddParents port
import backend.network.wiring  # SF1520's "Test forbindelsen" probe
import backend.post.tasks  # post.deliver
import backend.retention.tasks  # retention.delete
import backend.statistics.tasks  # noqa: F401 - statistics.dst_send
