"""RabbitMQ in the PostgreSQL part: the projections as `albatross worker` runs them, woken
through the broker (adapters/rabbitmq.py), against the same with the in-process distribution.

It runs after postgres.py's workloads when TEST_AMQP_URL also names a throwaway RabbitMQ
(amqp://user:password@host:port/, as `./dev test` starts one); without it, one line says it
was skipped and why. Before every RabbitMQ run, and at the end, the albatross queues
(`albatross.<unit>` per unit and `albatross.dead-letters`) are deleted, so a queue left by an
earlier run, with its wake-ups or its consumer, does not distort the figures; and a run fails
if a unit's queue has a consumer besides its worker (another process on the same broker would
take the wake-ups). A vhost of its own (amqp://.../vhost) keeps it clear of anyone else's queues.

Everything runs in this process, in two services objects with their own connections, as in
production: `build_services(role="serve")` appends and takes commands (with a broker it runs
the relay), and `build_services(role="worker")` runs every unit in `services.units` (tenants,
users, notifications; with a broker each consumes its own quorum queue) as a task inside a
Litestar lifespan for the announcements, as `albatross worker` does. The in-process peer is
the same with ALBATROSS_BROKER_URL unset.

  * Catch-up, REPEATS times alternating between the in-process distribution and RabbitMQ, each
    on a fresh schema; the median run is reported:
      - backlog: a log of CATCHUP_EVENTS identity events (the rebuild workload's shape,
        smaller) is written before the worker exists; the clock runs from starting the units
        (with a broker: connected, each unit declaring and consuming its queue first) until
        every unit's checkpoint is at the head. Both distributions start a unit with a look at
        the log, so this is the worker's start on a backlog, broker set-up included.
      - burst: with the units running and caught up, as many events again land in one append;
        the clock runs from the append's return through the wake-up (the relay's publish,
        confirmed, to every unit's queue; in-process, notify() of the same services object,
        as embedded) until every checkpoint is at the head again.
    Checkpoints are read from their table every CHECKPOINT_POLL seconds; the read models are
    checked at the end of every run.
  * Command to read model: postgres.drive_commands (LATENCY_COMMANDS identity commands one
    after another) through the serve services, each followed by serve.runner.wait_for(position):
    with the projections in another services object that reads the checkpoints table every
    50 ms. A watcher also times when the worker's units had written the read model (their
    checkpoints in memory, every millisecond), which tells the broker's share from that poll.

Reported, not enforced.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from common import Result, append_log, check_identity_read_models, identity_log, median_result, progress, sig3
from postgres import _reset_schema, drive_commands

ENV = "TEST_AMQP_URL"
DEAD_LETTERS = "albatross.dead-letters"

# Fixed counts: 1,500 x (TenantCreated + 9 TenantRenamed) + 1,500 x (UserRegistered + PasswordSet).
CATCHUP_TENANTS = 1500
CATCHUP_RENAMES = 9
CATCHUP_USERS = 1500
CATCHUP_EVENTS = CATCHUP_TENANTS * (1 + CATCHUP_RENAMES) + CATCHUP_USERS * 2
CHECKPOINT_POLL = 0.01  # seconds between looks at the checkpoints table
WAIT = 60.0  # seconds before a run that does not get there fails


def skip_reason() -> str | None:
    """Why the RabbitMQ runs cannot run, or None."""
    url = os.environ.get(ENV, "")
    if not url:
        return f"{ENV} is not set (point it at a throwaway RabbitMQ: the albatross queues are deleted)"
    if not url.startswith(("amqp://", "amqps://")):
        return f"{ENV} must be an amqp:// URL"
    return None


async def delete_queues(url: str, units: list[str]) -> str:
    """Deletes the albatross queues; returns the broker's version."""
    import aio_pika

    connection = await aio_pika.connect(url, timeout=10)
    async with connection:
        for name in [*(f"albatross.{u}" for u in units), DEAD_LETTERS]:
            channel = await connection.channel()
            await channel.queue_delete(name)
            await channel.close()
        version = connection.transport.connection.server_properties.get("version", b"?")
    return version.decode() if isinstance(version, bytes) else str(version)


async def reachable(url: str) -> str | None:
    """Why the broker cannot be used, or None (and the albatross queues are gone)."""
    import aio_pika

    try:
        await delete_queues(url, _unit_names())
    except (OSError, aio_pika.exceptions.AMQPError) as exc:
        return f"the broker at {ENV} cannot be reached ({type(exc).__name__}: {exc})"
    return None


def _unit_names() -> list[str]:
    from albatross.identity.projections import identity_projections
    from albatross.kernel.notifications import Announcements

    return [p.name for p in identity_projections(None)] + [Announcements.name]  # type: ignore[arg-type]


# ---------------------------------------------------------------- shared pieces


async def _services(pg_url: str, amqp_url: str | None, role: str) -> Any:
    from albatross.bootstrap import build_services
    from albatross.config import load_settings

    environ = {"ALBATROSS_DATABASE_URL": pg_url}
    if amqp_url:
        environ["ALBATROSS_BROKER_URL"] = amqp_url
    services = await build_services(load_settings(environ=environ), role=role)  # type: ignore[arg-type]
    if amqp_url:
        try:
            await _until(lambda: services.distribution.connected, f"{role} connected to the broker")
        except BaseException:
            await services.close()
            raise
    return services


async def _until(condition: Any, what: str) -> None:
    try:
        async with asyncio.timeout(WAIT):
            while not condition():  # noqa: ASYNC110  (the services offer no event for these)
                await asyncio.sleep(0.01)
    except TimeoutError:
        raise AssertionError(f"not {what} after {WAIT:g} s") from None


@contextlib.asynccontextmanager
async def _lifespan(worker: Any) -> AsyncIterator[None]:
    """The announcements publish through Litestar's channels plugin, which needs an app's
    lifespan to run, as in `albatross worker`."""
    from litestar import Litestar

    host = Litestar(
        route_handlers=[], plugins=[worker.notifier] if worker.notifier else [], logging_config=None
    )
    async with host.lifespan():
        yield


@contextlib.asynccontextmanager
async def _running(units: list[Any]) -> AsyncIterator[list[asyncio.Task[None]]]:
    tasks = [asyncio.create_task(unit.run()) for unit in units]
    try:
        yield tasks
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _caught_up(worker: Any, tasks: list[asyncio.Task[None]], head: int) -> float:
    """perf_counter() once every unit's checkpoint (read from the table) is at `head`."""
    names = [unit.projections[0].name for unit in worker.units]
    positions: dict[str, int] = {}
    try:
        async with asyncio.timeout(WAIT):
            while True:
                positions = await worker.runner.read_models.checkpoints(names)
                if min(positions.values()) >= head:
                    return time.perf_counter()
                for task in tasks:
                    if task.done():  # a unit that died would otherwise show as a timeout
                        task.result()
                await asyncio.sleep(CHECKPOINT_POLL)
    except TimeoutError:
        raise AssertionError(f"units at {positions} after {WAIT:g} s, head {head}") from None


async def _sole_consumers(url: str) -> None:
    """Each unit's queue has our worker as its only consumer: another process on this broker
    (single active consumer) would take the wake-ups and distort the figures."""
    import aio_pika

    connection = await aio_pika.connect(url, timeout=10)
    async with connection:
        channel = await connection.channel()
        for unit in _unit_names():
            queue = await channel.declare_queue(f"albatross.{unit}", passive=True)
            count = queue.declaration_result.consumer_count
            assert count == 1, f"albatross.{unit} has {count} consumers; is another process using {ENV}?"


# ---------------------------------------------------------------- catch-up


async def catch_up(pg_url: str, amqp_url: str | None) -> tuple[Result, Result]:
    """(backlog, burst) on a fresh schema; in-process when `amqp_url` is None."""
    await _reset_schema(pg_url)
    if amqp_url:
        await delete_queues(amqp_url, _unit_names())
    serve = await _services(pg_url, amqp_url, "serve")
    worker = None
    try:
        backlog_log = identity_log(serve.codec, CATCHUP_TENANTS, CATCHUP_RENAMES, CATCHUP_USERS)
        await append_log(serve.store, backlog_log)
        head = await serve.store.last_position()
        assert head == CATCHUP_EVENTS, head
        burst = [
            a
            for appends in identity_log(serve.codec, CATCHUP_TENANTS, CATCHUP_RENAMES, CATCHUP_USERS)
            for a in appends
        ]
        worker = await _services(pg_url, amqp_url, "worker")
        async with _lifespan(worker):
            start = time.perf_counter()
            async with _running(worker.units) as tasks:
                done = await _caught_up(worker, tasks, head)
                backlog = Result("backlog", 0, head, done - start)
                await _until(lambda: all(unit.running for unit in worker.units), "units running")
                if amqp_url:
                    await _sole_consumers(amqp_url)

                # Without a broker, news reaches only the distribution of the same services
                # object (the embedded shape); with one, the relay of the serve process.
                appender = serve if amqp_url else worker
                positions = await appender.store.append_streams(burst)
                start = time.perf_counter()
                appender.distribution.notify(positions[-1])
                done = await _caught_up(worker, tasks, positions[-1])
                burst_result = Result("burst", 0, len(positions), done - start)
                assert positions == list(range(head + 1, 2 * head + 1)), "the burst went astray"
        await check_identity_read_models(
            worker.reader, 2 * CATCHUP_TENANTS, CATCHUP_RENAMES, 2 * CATCHUP_USERS
        )
        return backlog, burst_result
    finally:
        if worker is not None:
            await worker.close()
        await serve.close()


# ---------------------------------------------------------------- command to read model


async def command_latency(pg_url: str, amqp_url: str) -> dict[str, list[float]]:
    """postgres.drive_commands through serve-role services, the projections in worker-role ones."""
    await _reset_schema(pg_url)
    await delete_queues(amqp_url, _unit_names())
    serve = await _services(pg_url, amqp_url, "serve")
    worker = None
    try:
        worker = await _services(pg_url, amqp_url, "worker")
        async with _lifespan(worker), _running(worker.units):
            await _until(lambda: all(unit.running for unit in worker.units), "units running")
            await _sole_consumers(amqp_url)
            watched = {p.name for p in serve.runner.projections}
            writers = [unit for unit in worker.units if unit.projections[0].name in watched]
            return await drive_commands(serve, writers)
    finally:
        if worker is not None:
            await worker.close()
        await serve.close()


# ---------------------------------------------------------------- orchestration


@dataclass
class Runs:
    version: str
    """The broker's."""
    local: dict[str, list[Result]]
    """In-process catch-ups: 'backlog' and 'burst', one Result per run."""
    broker: dict[str, list[Result]]
    """RabbitMQ catch-ups, the same way."""
    latency: dict[str, list[float]]
    """RabbitMQ command latencies, as postgres.drive_commands returns them."""


def measure(pg_url: str, repeats: int, began: float) -> Runs:
    amqp_url = os.environ[ENV]
    version = asyncio.run(delete_queues(amqp_url, _unit_names()))
    local: dict[str, list[Result]] = {"backlog": [], "burst": []}
    broker: dict[str, list[Result]] = {"backlog": [], "burst": []}
    try:
        for n in range(repeats):  # interleaved, so a noisy moment hits both alike
            for url, results in ((None, local), (amqp_url, broker)):
                backlog, burst = asyncio.run(catch_up(pg_url, url))
                results["backlog"].append(backlog)
                results["burst"].append(burst)
            progress(f"RabbitMQ catch-up, run {n + 1} of {repeats}: {time.perf_counter() - began:.0f} s")
        latency = asyncio.run(command_latency(pg_url, amqp_url))
        progress(f"RabbitMQ command latency: {time.perf_counter() - began:.0f} s")
    finally:
        with contextlib.suppress(Exception):
            asyncio.run(delete_queues(amqp_url, _unit_names()))
    return Runs(version, local, broker, latency)


def catch_up_rows(runs: Runs) -> list[list[str]]:
    local, broker = runs.local, runs.broker
    rows = []
    for key, what in (("backlog", "backlog at worker start"), ("burst", "burst while running")):
        o, p = median_result(broker[key]), median_result(local[key])
        rows.append(
            [
                what,
                sig3(p.seconds),
                sig3(p.events_per_s),
                sig3(o.seconds),
                sig3(o.events_per_s),
                f"{sig3(o.events_per_s / p.events_per_s)}x",
            ]
        )
    return rows


def catch_up_runs(runs: Runs) -> list[str]:
    """One line per case with every run's events/s, to see the noise behind the medians."""
    local, broker = runs.local, runs.broker
    return [
        f"  {key} runs, events/s: in-process {', '.join(sig3(r.events_per_s) for r in local[key])}; "
        f"RabbitMQ {', '.join(sig3(r.events_per_s) for r in broker[key])}"
        for key in ("backlog", "burst")
    ]
