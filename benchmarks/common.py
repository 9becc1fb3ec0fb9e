"""What the SQLite part (run.py) and the PostgreSQL part (postgres.py) of the benchmarks share."""

from __future__ import annotations

import gc
import math
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

PAYLOAD = bytes(range(100))  # ~100-byte payload, the same bytes for both stores
CONCURRENCY = 32


@dataclass(frozen=True)
class Workload:
    kind: str
    appenders: int  # asyncio tasks for Albatross, threads for eventsourcing
    size: int  # events per append
    per_appender: int  # appends per appender, in sequence

    @property
    def label(self) -> str:
        return f"{self.kind}, {self.appenders}"


@dataclass
class Result:
    label: str
    appends: int
    events: int
    seconds: float

    @property
    def appends_per_s(self) -> float:
        return self.appends / self.seconds

    @property
    def events_per_s(self) -> float:
        return self.events / self.seconds


def sig3(x: float) -> str:
    """x with 3 significant digits, thousands separated (12,300; 4.56; 0.0789)."""
    if x == 0 or not math.isfinite(x):
        return str(x)
    decimals = 2 - math.floor(math.log10(abs(x)))
    rounded = round(x, decimals)
    if decimals <= 0:
        return f"{int(rounded):,}"
    return f"{rounded:,.{decimals}f}"


def median_result(results: list[Result]) -> Result:
    """The run with the median time (the runs have the same counts)."""
    return sorted(results, key=lambda r: r.seconds)[len(results) // 2]


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(f"\n{title}")
    print(line(header))
    print("-" * len(line(header)))
    for r in rows:
        print(line(r))


def append_rows(
    title: str, workloads: Sequence[Workload], results: dict[str, list[Result]], unit: str
) -> None:
    """One store's append table: the median run of each workload."""
    header = ["workload", "concurrency", "appends", "events", "seconds", "appends/s", "events/s"]
    rows = []
    for w in workloads:
        r = median_result(results[w.label])
        rows.append(
            [
                w.kind,
                f"{w.appenders} {unit if w.appenders > 1 else unit[:-1]}",
                f"{r.appends:,}",
                f"{r.events:,}",
                sig3(r.seconds),
                sig3(r.appends_per_s),
                sig3(r.events_per_s),
            ]
        )
    table(title, header, rows)


def progress(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def new_events(count: int) -> list:
    from albatross.kernel import NewEvent

    return [
        NewEvent(
            event_id=str(uuid.uuid4()),
            event_type="BenchEvent",
            schema_version=1,
            payload=PAYLOAD,
            recorded_at=1,
        )
        for _ in range(count)
    ]


def drive_peer(recorder: Any, w: Workload) -> Result:
    """Appends through an eventsourcing ApplicationRecorder from `w.appenders` threads, each
    writing its own aggregate in sequence; one untimed warm-up batch first."""
    from eventsourcing.persistence import StoredEvent

    threads, size, per_thread = w.appenders, w.size, w.per_appender
    topic = "benchmarks:BenchEvent"

    def batches(originator: uuid.UUID) -> list[list[StoredEvent]]:
        return [
            [
                StoredEvent(
                    originator_id=originator,
                    originator_version=n * size + i + 1,
                    topic=topic,
                    state=PAYLOAD,
                )
                for i in range(size)
            ]
            for n in range(per_thread)
        ]

    recorder.insert_events(batches(uuid.uuid4())[0])  # warm-up, untimed
    plans = [batches(uuid.uuid4()) for _ in range(threads)]
    barrier = threading.Barrier(threads + 1)
    errors: list[BaseException] = []

    def work(plan: list[list[StoredEvent]]) -> None:
        barrier.wait()
        try:
            for events in plan:
                recorder.insert_events(events)
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(p,)) for p in plans]
    for t in workers:
        t.start()
    gc.collect()
    barrier.wait()
    start = time.perf_counter()
    for t in workers:
        t.join()
    seconds = time.perf_counter() - start
    if errors:
        raise errors[0]
    total = threads * per_thread
    assert recorder.max_notification_id() == size + total * size, "events went missing"
    return Result(w.label, total, total * size, seconds)


async def time_appends(store: Any, w: Workload) -> float:
    """Warm `store` on an untimed stream, then time `w`: every appender appends its batches to
    its own stream, all appenders at once. Returns the seconds taken."""
    import asyncio
    import gc
    import time
    import uuid

    plans = [
        (f"bench-{uuid.uuid4()}", [new_events(w.size) for _ in range(w.per_appender)])
        for _ in range(w.appenders)
    ]
    # Warm the connections and statement caches on a stream nobody times.
    await store.append("warmup-0", 0, new_events(w.size))
    await store.read_stream("warmup-0")

    async def appender(stream_id: str, batches: list) -> None:
        version = 0
        for events in batches:
            await store.append(stream_id, version, events)
            version += len(events)

    gc.collect()
    start = time.perf_counter()
    await asyncio.gather(*(appender(s, b) for s, b in plans))
    return time.perf_counter() - start
