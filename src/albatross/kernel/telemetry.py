"""The telemetry port: what the write path reports about itself (an adapter turns it into metrics).

Names and outcomes only: never ids of people, airlines or records, which would leak data
and give a metrics backend one series per id.
"""

from __future__ import annotations

from typing import Protocol


class Telemetry(Protocol):
    def command(self, name: str, outcome: str, seconds: float) -> None:
        """One command ended: its name (`create_tenant`), `ok`, `conflict` or the error's type."""
        ...

    def append(self, seconds: float, events: int) -> None:
        """One successful append of `events` events to the log took `seconds`."""
        ...


class NoTelemetry:
    """Reports nowhere: the default wherever no adapter was bound."""

    def command(self, name: str, outcome: str, seconds: float) -> None:
        return None

    def append(self, seconds: float, events: int) -> None:
        return None
