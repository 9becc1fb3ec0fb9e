"""Albatross's event store against the `eventsourcing` library's recorders, on SQLite and PostgreSQL.

Run with `./dev bench` (or `.venv/bin/python benchmarks/run.py [--repeats N] [--part sqlite|tracking|postgres|live]`);
the SQLite part takes about half a minute on 2 cores. The flight-tracking part (tracking.py, `--part
tracking`) follows it: trackers posting position batches through the phpVMS-compatible ACARS API of
a real serve process, against a phpVMS-like CRUD app (Litestar + aiosqlite) in the same run; under
a minute. The PostgreSQL part (postgres.py) follows
in the same run when TEST_POSTGRES_URL names a throwaway server, and takes about a minute more,
two with its RabbitMQ runs (rabbitmq.py, when TEST_AMQP_URL names a throwaway broker too);
without them, one line says what was skipped and why. The live-feed part (live.py, `--part live`)
comes last: 500 WebSocket clients of real serve processes, embedded and, with TEST_POSTGRES_URL,
TEST_REDIS_URL and TEST_AMQP_URL, in production; about a minute.
Workloads have fixed sizes, not durations. Each append workload runs
REPEATS times, alternating between the two stores, each time on a fresh SQLite file in a
temporary directory, and the median run is reported; the figures are only comparable within
one run on one machine. Events are built before the clock starts, so the figures are those of
the stores, not of building events. Every workload checks its result (no event lost, read
models right), so a fast wrong answer fails the run.

Workloads:
  * appends of one event, and of 100-event batches, by 1 and by 32 concurrent appenders (asyncio
    tasks), each appender writing its own stream in sequence with the right expected version;
  * loading a 1,000-event Tenant through UnitOfWork.load (read_stream, decode, fold);
  * runner.rebuild() of the identity read models from a log of 24,000 identity events, REPEATS
    times on the same log;
  * the same appends on eventsourcing's SQLiteApplicationRecorder (SQLiteDatastore on a file,
    a pool with a connection per thread), from 1 and 32 threads.

Exits 1 when a SQLite target is not met: single-event appends with 32 appenders at least twice
the peer's best single-append rate, and a rebuild of at least 20,000 events/s. The PostgreSQL
target (3x) is reported, MET or NOT MET, and never changes the exit status.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path

import live
import postgres
import tracking
from common import (
    CONCURRENCY,
    PAYLOAD,
    Result,
    Workload,
    append_log,
    append_rows,
    check_identity_read_models,
    drive_peer,
    identity_log,
    median_result,
    progress,
    sig3,
    table,
    time_appends,
)

REPEATS = 3  # runs per workload, interleaved between the two stores; the median is reported


# Fixed counts, not durations, so every run does the same work.
APPEND_WORKLOADS = [
    Workload("single event", 1, 1, 3000),
    Workload("single event", CONCURRENCY, 1, 250),
    Workload("100-event batch", 1, 100, 200),
    Workload("100-event batch", CONCURRENCY, 100, 20),
]
LOAD_STREAM_EVENTS = 1000
LOAD_REPEATS = 25
REBUILD_TENANTS = 2000
REBUILD_RENAMES = 9  # per tenant: 2,000 x (1 + 9) tenant events
REBUILD_USERS = 2000  # 2,000 x (UserRegistered + PasswordSet)
REBUILD_TOTAL = REBUILD_TENANTS * (1 + REBUILD_RENAMES) + REBUILD_USERS * 2

TARGET_SINGLE_RATIO = 2.0  # ours, 32 appenders, single events >= 2x the peer's single-append rate
TARGET_REBUILD = 20_000  # events/s


# ---------------------------------------------------------------- Albatross


async def _open_store(directory: str):  # type: ignore[no-untyped-def]
    from albatross.adapters.sql_engine import create_engines
    from albatross.adapters.sql_event_store import SqlEventStore
    from albatross.adapters.sql_migrations import upgrade

    writer, reader = create_engines(f"sqlite+aiosqlite:///{directory}/albatross.db")
    await upgrade(writer)
    return SqlEventStore(writer, reader), writer, reader


async def _close_store(store, writer, reader) -> None:  # type: ignore[no-untyped-def]
    await store.close()
    await writer.dispose()
    await reader.dispose()


async def ours_appends(w: Workload) -> Result:
    appenders, size, per_appender = w.appenders, w.size, w.per_appender
    with tempfile.TemporaryDirectory(prefix="albatross-bench-") as directory:
        store, writer, reader = await _open_store(directory)
        try:
            seconds = await time_appends(store, w)
            total = appenders * per_appender
            assert await store.last_position() == size + total * size, "events went missing"
            return Result(w.label, total, total * size, seconds)
        finally:
            await _close_store(store, writer, reader)


async def ours_load() -> tuple[float, float, float]:
    """(first load ms, median ms, best ms) of a Tenant with 1 TenantCreated + 999 TenantRenamed."""
    from albatross.identity.domain import Tenant, TenantCreated, TenantRenamed
    from albatross.kernel import Context, EventCodec, NewEvent, UnitOfWork, registry

    codec = EventCodec(registry)
    with tempfile.TemporaryDirectory(prefix="albatross-bench-") as directory:
        store, writer, reader = await _open_store(directory)
        try:
            tenant_id = str(uuid.uuid4())
            domain_events = [TenantCreated(tenant_id=tenant_id, name="Albatross Air", icao="ABA")]
            domain_events += [
                TenantRenamed(name=f"Albatross Air {i:04d}") for i in range(1, LOAD_STREAM_EVENTS)
            ]
            new = [
                NewEvent(
                    event_id=str(uuid.uuid4()),
                    event_type=e.event_type,
                    schema_version=e.schema_version,
                    payload=codec.encode(e),
                    tenant_id=tenant_id,
                    actor_id=str(uuid.uuid4()),
                    correlation_id=uuid.uuid4().hex,
                    recorded_at=1_700_000_000_000_000 + i,
                )
                for i, e in enumerate(domain_events)
            ]
            stream_id = Tenant.stream_id(tenant_id)
            for i in range(0, len(new), 100):
                await store.append(stream_id, i, new[i : i + 100])
            timings = []
            for _ in range(LOAD_REPEATS):
                start = time.perf_counter()
                tenant = await UnitOfWork(store, codec, Context()).load(Tenant, tenant_id)
                timings.append((time.perf_counter() - start) * 1000)
                assert tenant.version == LOAD_STREAM_EVENTS
                assert tenant.name == f"Albatross Air {LOAD_STREAM_EVENTS - 1:04d}"
            return timings[0], statistics.median(timings), min(timings)
        finally:
            await _close_store(store, writer, reader)


async def ours_rebuild(repeats: int) -> list[Result]:
    """Builds an identity log through the store, then times runner.rebuild() `repeats` times."""
    from albatross.bootstrap import build_services
    from albatross.config import load_settings

    with tempfile.TemporaryDirectory(prefix="albatross-bench-") as directory:
        services = await build_services(load_settings(environ={"ALBATROSS_DATA_DIR": directory}))
        try:
            store = services.store
            await append_log(
                store, identity_log(services.codec, REBUILD_TENANTS, REBUILD_RENAMES, REBUILD_USERS)
            )
            assert await store.last_position() == REBUILD_TOTAL

            results = []
            for _ in range(repeats):
                gc.collect()
                start = time.perf_counter()
                applied = await services.runner.rebuild()
                seconds = time.perf_counter() - start
                assert applied == REBUILD_TOTAL, applied
                await check_identity_read_models(
                    services.reader, REBUILD_TENANTS, REBUILD_RENAMES, REBUILD_USERS
                )
                results.append(Result("projection rebuild", 0, applied, seconds))
            return results
        finally:
            await services.close()


# ---------------------------------------------------------------- the peer: eventsourcing


def peer_appends(w: Workload) -> Result:
    from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

    with tempfile.TemporaryDirectory(prefix="eventsourcing-bench-") as directory:
        # Enough connections for every thread, so no thread waits on the pool itself.
        datastore = SQLiteDatastore(str(Path(directory) / "es.db"), pool_size=w.appenders, max_overflow=0)
        try:
            recorder = SQLiteApplicationRecorder(datastore)
            recorder.create_table()
            return drive_peer(recorder, w)
        finally:
            datastore.close()


# ---------------------------------------------------------------- memory


def heap_peak_mib(run: Callable[[], object]) -> float:
    """Peak of Python allocations while `run` runs (tracemalloc: slow, so timed runs stay apart)."""
    gc.collect()
    tracemalloc.start()
    try:
        run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


# ---------------------------------------------------------------- report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=REPEATS, help="runs per workload (median reported)")
    parser.add_argument(
        "--part",
        choices=["all", "sqlite", "tracking", "postgres", "live"],
        default="all",
        help="which part to run (postgres needs TEST_POSTGRES_URL; live runs production with TEST_*_URL)",
    )
    args = parser.parse_args(argv)
    repeats = max(1, args.repeats)

    import albatross.identity.domain  # noqa: F401  (registers the identity events)

    began = time.perf_counter()
    targets_ok = True
    if args.part in ("all", "sqlite"):
        targets_ok = sqlite_part(repeats, began)
    if args.part in ("all", "tracking"):
        targets_ok = tracking.run(began) and targets_ok  # fails on a wrong answer only
    if args.part in ("all", "postgres"):
        postgres.run(repeats, began)  # reports its target; never changes the exit status
    if args.part in ("all", "live"):
        targets_ok = live.run(began) and targets_ok  # fails on a missed or wrong frame only
    print(f"\nTotal time {time.perf_counter() - began:.0f} s")
    return 0 if targets_ok else 1


def sqlite_part(repeats: int, began: float) -> bool:
    """Measures and prints the SQLite part; True when its targets are met."""
    from importlib.metadata import version

    print(
        f"Albatross SqlEventStore (SQLite, aiosqlite) vs eventsourcing {version('eventsourcing')} "
        f"SQLiteApplicationRecorder; Python {sys.version.split()[0]}; {len(PAYLOAD)}-byte payloads; "
        f"a fresh SQLite file per run; each figure is the median of {repeats} runs.",
        flush=True,
    )
    ours: dict[str, list[Result]] = {w.label: [] for w in APPEND_WORKLOADS}
    peer: dict[str, list[Result]] = {w.label: [] for w in APPEND_WORKLOADS}
    for n in range(repeats):  # interleaved, so a noisy moment hits both stores alike
        for w in APPEND_WORKLOADS:
            ours[w.label].append(asyncio.run(ours_appends(w)))
        for w in APPEND_WORKLOADS:
            peer[w.label].append(peer_appends(w))
        progress(f"appends, run {n + 1} of {repeats}: {time.perf_counter() - began:.0f} s")
    first_ms, median_ms, best_ms = asyncio.run(ours_load())
    progress(f"load: {time.perf_counter() - began:.0f} s")
    rebuilds = asyncio.run(ours_rebuild(repeats))
    progress(f"rebuild: {time.perf_counter() - began:.0f} s")

    append_rows("Albatross SqlEventStore (group commit)", APPEND_WORKLOADS, ours, "asyncio tasks")
    append_rows("eventsourcing SQLiteApplicationRecorder", APPEND_WORKLOADS, peer, "threads")

    print(f"\nLoad of a {LOAD_STREAM_EVENTS:,}-event Tenant (UnitOfWork.load = read_stream + decode + fold)")
    print(
        f"  {LOAD_REPEATS} loads: first {sig3(first_ms)} ms, median {sig3(median_ms)} ms, best {sig3(best_ms)} ms"
    )

    rebuild = median_result(rebuilds)
    print(
        f"\nProjection rebuild (runner.rebuild(): reset + replay of {REBUILD_TOTAL:,} identity events = "
        f"{REBUILD_TENANTS:,} tenants x (TenantCreated + {REBUILD_RENAMES} TenantRenamed) "
        f"+ {REBUILD_USERS:,} users x (UserRegistered + PasswordSet))"
    )
    print(
        f"  {sig3(rebuild.seconds)} s, {sig3(rebuild.events_per_s)} events/s "
        f"(runs: {', '.join(sig3(r.events_per_s) for r in rebuilds)})"
    )

    rows = []
    for w in APPEND_WORKLOADS:
        o, p = median_result(ours[w.label]), median_result(peer[w.label])
        rows.append([w.kind, str(w.appenders), sig3(o.appends_per_s / p.appends_per_s)])
    table(
        "Ratios, Albatross / eventsourcing (appends/s; events/s gives the same ratio)",
        ["workload", "appenders or threads", "ratio"],
        rows,
    )

    memory_rows = []
    for w in APPEND_WORKLOADS:
        if w.appenders != CONCURRENCY:
            continue
        ours_mib = heap_peak_mib(lambda w=w: asyncio.run(ours_appends(w)))
        peer_mib = heap_peak_mib(lambda w=w: peer_appends(w))
        memory_rows.append(
            [w.kind, str(w.appenders), f"{ours_mib:.1f}", f"{peer_mib:.1f}", sig3(ours_mib / peer_mib)]
        )
    progress(f"memory: {time.perf_counter() - began:.0f} s")
    table(
        "Memory: Python heap peak during one run (tracemalloc, MiB; SQLite's own C heap not included)",
        ["workload", "appenders or threads", "Albatross", "eventsourcing", "ratio"],
        memory_rows,
    )

    single = [w for w in APPEND_WORKLOADS if w.size == 1]
    peer_rates = {w.appenders: median_result(peer[w.label]).appends_per_s for w in single}
    peer_best = max(peer_rates.values())
    ours_32 = median_result(ours[single[-1].label]).appends_per_s
    ratio = ours_32 / peer_best
    single_ok = ratio >= TARGET_SINGLE_RATIO
    rebuild_ok = rebuild.events_per_s >= TARGET_REBUILD
    print("\nTargets")
    print(
        f"  [{'MET' if single_ok else 'NOT MET'}] single-event appends with {CONCURRENCY} appenders: "
        f"{sig3(ours_32)}/s = {sig3(ratio)}x the peer's best single-append rate "
        f"({sig3(peer_best)}/s; it did {sig3(peer_rates[1])}/s from 1 thread, "
        f"{sig3(peer_rates[CONCURRENCY])}/s from {CONCURRENCY}); target >= {TARGET_SINGLE_RATIO:g}x"
    )
    print(
        f"  [{'MET' if rebuild_ok else 'NOT MET'}] projection rebuild: {sig3(rebuild.events_per_s)} events/s; "
        f"target >= {TARGET_REBUILD:,} events/s"
    )
    return single_ok and rebuild_ok


if __name__ == "__main__":
    sys.exit(main())
