"""The event-sourcing kernel: events, aggregates, the unit of work, projections and the ports.

Only the standard library and msgspec are imported here; adapters implement the ports.
"""

from albatross.kernel.aggregate import Aggregate
from albatross.kernel.errors import (
    AlreadyExists,
    ConcurrencyError,
    ConflictError,
    DomainError,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    ProjectionTimeout,
    Unavailable,
)
from albatross.kernel.events import DomainEvent, EventCodec, EventRegistry, registry
from albatross.kernel.ports import Cache, EventDistribution, Notifier
from albatross.kernel.projection import Projection, ProjectionRunner, ReadModelStore, ReadModelTransaction
from albatross.kernel.store import EventStore, NewEvent, StoredEvent, StreamAppend
from albatross.kernel.unit_of_work import CommandResult, Context, UnitOfWork, execute

__all__ = [
    "Aggregate",
    "AlreadyExists",
    "Cache",
    "CommandResult",
    "ConcurrencyError",
    "ConflictError",
    "Context",
    "DomainError",
    "DomainEvent",
    "EventCodec",
    "EventDistribution",
    "EventRegistry",
    "EventStore",
    "Forbidden",
    "InvalidInput",
    "NewEvent",
    "NotAuthenticated",
    "NotFound",
    "Notifier",
    "Projection",
    "ProjectionRunner",
    "ProjectionTimeout",
    "ReadModelStore",
    "ReadModelTransaction",
    "StoredEvent",
    "StreamAppend",
    "Unavailable",
    "UnitOfWork",
    "execute",
    "registry",
]
