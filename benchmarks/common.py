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


def identity_log(codec: Any, tenants: int, renames: int, users: int) -> list[list[Any]]:
    """Rounds of StreamAppends making a realistic identity log of tenants * (1 + renames)
    + users * 2 events, fresh ids every call: every tenant created, every user registered,
    then `renames` rounds renaming every tenant, with a round setting every user's password
    halfway. Each round touches many rows, as a busy platform's log does."""
    from albatross.identity.domain import PasswordSet, TenantCreated, TenantRenamed, UserRegistered
    from albatross.kernel import NewEvent, StreamAppend

    tenant_ids = [str(uuid.uuid4()) for _ in range(tenants)]
    user_ids = [str(uuid.uuid4()) for _ in range(users)]
    versions: dict[str, int] = {}
    recorded = iter(range(1_700_000_000_000_000, 1_800_000_000_000_000))

    def change(stream_id: str, tenant_id: str | None, event: Any) -> StreamAppend:
        version = versions.get(stream_id, 0)
        versions[stream_id] = version + 1
        new = NewEvent(
            event_id=str(uuid.uuid4()),
            event_type=event.event_type,
            schema_version=event.schema_version,
            payload=codec.encode(event),
            tenant_id=tenant_id,
            actor_id=user_ids[0],
            correlation_id=uuid.uuid4().hex,
            recorded_at=next(recorded),
        )
        return StreamAppend(stream_id, version, [new])

    rounds: list[list[StreamAppend]] = [
        [
            change(f"tenant-{t}", t, TenantCreated(tenant_id=t, name=f"Airline {n:05d}", icao="ABC"))
            for n, t in enumerate(tenant_ids)
        ],
        [
            change(
                f"user-{u}",
                tenant_ids[n % tenants],
                UserRegistered(
                    user_id=u, username=f"pilot{n:05d}", role="pilot", tenant_id=tenant_ids[n % tenants]
                ),
            )
            for n, u in enumerate(user_ids)
        ],
    ]
    for r in range(1, renames + 1):
        rounds.append(
            [
                change(f"tenant-{t}", t, TenantRenamed(name=f"Airline {n:05d} mark {r}"))
                for n, t in enumerate(tenant_ids)
            ]
        )
        if r == renames // 2:
            rounds.append(
                [
                    change(
                        f"user-{u}",
                        tenant_ids[n % tenants],
                        PasswordSet(
                            password_hash="$argon2id$v=19$m=65536,t=3,p=4$" + "x" * 60,
                            must_change=False,
                            revoke_sessions_before=1_700_000_000_000_000,
                        ),
                    )
                    for n, u in enumerate(user_ids)
                ]
            )
    return rounds


async def append_log(store: Any, rounds: list[list[Any]], per_append: int = 250) -> None:
    """Appends the rounds of identity_log, `per_append` streams per append."""
    for appends in rounds:
        for i in range(0, len(appends), per_append):
            await store.append_streams(appends[i : i + per_append])


async def check_identity_read_models(reader: Any, tenants: int, renames: int, users: int) -> None:
    """The read models hold what identity_log wrote: every tenant at its last name, every
    user with a password."""
    from sqlalchemy import func, select

    from albatross.identity.projections import tenants as tenants_table
    from albatross.identity.projections import users as users_table

    async with reader.connect() as conn:
        tenant_rows = (await conn.execute(select(func.count()).select_from(tenants_table))).scalar_one()
        renamed = (
            await conn.execute(
                select(func.count())
                .select_from(tenants_table)
                .where(
                    tenants_table.c.name.like(f"% mark {renames}"),
                    tenants_table.c.version == 1 + renames,
                )
            )
        ).scalar_one()
        with_password = (
            await conn.execute(
                select(func.count())
                .select_from(users_table)
                .where(users_table.c.password_changed_at.is_not(None))
            )
        ).scalar_one()
    assert tenant_rows == renamed == tenants, (tenant_rows, renamed)
    assert with_password == users, with_password
