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
    InvalidState,
    NotAuthenticated,
    NotFound,
    ProjectionTimeout,
    TooManyRequests,
    Unavailable,
)
from albatross.kernel.events import DomainEvent, EventCodec, EventRegistry, registry
from albatross.kernel.ports import Cache, Counters, EventDistribution, Notifier, Vault, Wakeup
from albatross.kernel.projection import Projection, ProjectionRunner, ReadModelStore
from albatross.kernel.store import EventStore, LogQuery, NewEvent, StoredEvent, StreamAppend
from albatross.kernel.telemetry import NoTelemetry, Telemetry
from albatross.kernel.unit_of_work import CommandResult, Context, UnitOfWork, execute

__all__ = [
    "Aggregate",
    "AlreadyExists",
    "Cache",
    "CommandResult",
    "ConcurrencyError",
    "ConflictError",
    "Context",
    "Counters",
    "DomainError",
    "DomainEvent",
    "EventCodec",
    "EventDistribution",
    "EventRegistry",
    "EventStore",
    "Forbidden",
    "InvalidInput",
    "InvalidState",
    "LogQuery",
    "NewEvent",
    "NoTelemetry",
    "NotAuthenticated",
    "NotFound",
    "Notifier",
    "Projection",
    "ProjectionRunner",
    "ProjectionTimeout",
    "ReadModelStore",
    "StoredEvent",
    "StreamAppend",
    "Telemetry",
    "TooManyRequests",
    "Unavailable",
    "UnitOfWork",
    "Vault",
    "Wakeup",
    "execute",
    "registry",
]
