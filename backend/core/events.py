"""In-process domain events, so a lower package can tell the packages above it that
something happened without importing them (casework -> crosskommune).

A package defines its event types (frozen msgspec Structs or dataclasses) and calls
``await publish(event)``; a package above it calls ``subscribe(EventType, handler)`` once,
at import time (``backend.jobs`` imports the subscriber modules, and both the API and the
worker import ``backend.jobs``). Delivery is synchronous and in-transaction: ``publish``
awaits every handler of the event's exact type, one after another in the order they
subscribed, in the publisher's tenant transaction; a handler's exception propagates to the
publisher and rolls the transaction back, exactly as a direct call would."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

E = TypeVar("E")

Handler = Callable[[Any], Awaitable[None]]

_handlers: dict[type, list[Handler]] = {}


def subscribe(event_type: type[E], handler: Callable[[E], Awaitable[None]]) -> None:
    """Call ``handler`` with every published ``event_type``. Subscribing the same handler
    twice (a module imported twice) is a no-op."""
    handlers = _handlers.setdefault(event_type, [])
    if handler not in handlers:
        handlers.append(handler)


async def publish(event: object) -> None:
    """Run the handlers of ``type(event)`` now, in order, in the caller's transaction."""
    for handler in _handlers.get(type(event), ()):
        await handler(event)


def subscribers(event_type: type) -> list[Handler]:
    """The handlers of ``event_type``, in order (for tests and start-up checks)."""
    return list(_handlers.get(event_type, ()))
