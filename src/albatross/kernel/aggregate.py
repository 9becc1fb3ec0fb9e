"""Aggregates: plain objects rebuilt by folding their stream's events."""

from __future__ import annotations

from typing import ClassVar, Self

from albatross.kernel.events import DomainEvent


class Aggregate:
    """Command methods validate and return new events; `apply` only folds, never validates.

    `stream_type` names the stream (`<stream_type>-<id>`); `tenant_id` tags every event the
    aggregate records so the log can be filtered by airline.
    """

    stream_type: ClassVar[str]

    def __init__(self, id: str) -> None:
        self.id = id
        self.version = 0
        self.tenant_id: str | None = None

    @classmethod
    def stream_id(cls, id: str) -> str:
        return f"{cls.stream_type}-{id}"

    @classmethod
    def fold(cls, id: str, events: list[DomainEvent]) -> Self:
        aggregate = cls(id)
        for event in events:
            aggregate.apply(event)
            aggregate.version += 1
        return aggregate

    @property
    def exists(self) -> bool:
        return self.version > 0

    def apply(self, event: DomainEvent) -> None:
        raise NotImplementedError
