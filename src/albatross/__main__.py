"""The albatross command: serve, worker, migrate, projections rebuild, admin reset-password, demo,
version."""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import sys
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from albatross import __version__, logs
from albatross.config import ConfigError, Settings, load_settings, redact

if TYPE_CHECKING:
    from albatross.services import Services

log = logging.getLogger("albatross")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="albatross", description="Albatross virtual airline platform")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the HTTP API (migrates an embedded database first)")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8000)")
    serve.add_argument("--ephemeral", action="store_true", help="keep everything in memory; nothing is saved")
    serve.add_argument(
        "--demo", action="store_true", help="fill a store without airlines with the demo airline first"
    )

    commands.add_parser(
        "worker", help="run the projections (production: beside any number of serve processes)"
    )

    commands.add_parser("migrate", help="apply database migrations")

    projections = commands.add_parser("projections", help="manage read models")
    projections.add_subparsers(dest="action", required=True, metavar="ACTION").add_parser(
        "rebuild", help="replay the whole log into fresh read-model tables"
    )

    admin = commands.add_parser("admin", help="operator tasks")
    reset = admin.add_subparsers(dest="action", required=True, metavar="ACTION").add_parser(
        "reset-password", help="give a user a new one-time password"
    )
    reset.add_argument("username")

    commands.add_parser(
        "demo", help="fill a store without airlines with a demo airline and print its one-time passwords"
    )

    commands.add_parser("version", help="print the version")
    return parser


def main(argv: list[str] | None = None) -> int:
    multiprocessing.freeze_support()
    args = _parser().parse_args(argv)
    if args.command == "version":
        print(f"albatross {__version__}")
        return 0
    try:
        overrides: dict[str, Any] = {}
        if args.command == "serve":
            overrides = {"host": args.host, "port": args.port}
            if args.ephemeral:
                overrides["database_url"] = "memory://"
        settings = load_settings(overrides=overrides)
    except ConfigError as exc:
        print(f"albatross: configuration error: {exc}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level, settings.log_format)
    runners: dict[str, Callable[[Settings, argparse.Namespace], Awaitable[int]]] = {
        "serve": _serve,
        "worker": _worker,
        "migrate": _migrate,
        "projections": _rebuild,
        "admin": _reset_password,
        "demo": _demo,
    }
    try:
        return asyncio.run(runners[args.command](settings, args))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one clear line for the operator, no traceback
        print(f"albatross: {args.command} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        log.debug("details", exc_info=exc)
        return 1


def _where(settings: Settings) -> str:
    from albatross.bootstrap import database_path

    if settings.ephemeral:
        return "in memory (ephemeral: nothing is kept after exit)"
    path = database_path(settings)
    return str(path) if path else redact(settings.resolved_database_url)


async def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from albatross.bootstrap import build_services
    from albatross.identity.auth import PLATFORM_ADMIN, handle_create_platform_admin
    from albatross.web.app import create_app

    print(f"Albatross {__version__}: data {_where(settings)}", flush=True)
    services = await build_services(settings, migrate=True, role="serve")
    try:
        password = await handle_create_platform_admin(services.identity)
        if password is not None:
            # The only time a secret is printed: the operator needs it for the first login.
            print(f"Platform admin created: username={PLATFORM_ADMIN} password={password}", flush=True)
        if args.demo:
            await _fill_with_demo(services, refused_is_fine=True)
        # Embedded, serve runs the projections itself; with PostgreSQL, `albatross worker` does.
        app = create_app(services, run_projections=not settings.shared_database)
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level.lower(),
            lifespan="on",
            log_config=None,  # our handlers (text or JSON) for uvicorn's loggers too
            access_log=False,  # one line per request comes from the app (web/request_log.py)
            ws_max_size=64 * 1024,  # the live feed takes small control messages only
        )
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve())
        while not server.started and not serving.done():  # noqa: ASYNC110  (uvicorn offers no event)
            await asyncio.sleep(0.05)
        if server.started:  # only once the port is really bound
            print(f"Listening on http://{settings.host}:{settings.port}", flush=True)
        await serving
        return 0 if server.started else 1
    finally:
        await services.close()


async def _worker(settings: Settings, _: argparse.Namespace) -> int:
    import signal

    from albatross.bootstrap import build_services

    if not settings.shared_database:
        print(
            "albatross: worker needs a shared database (ALBATROSS_DATABASE_URL=postgresql+asyncpg://...); "
            "in the embedded mode serve runs the projections",
            file=sys.stderr,
        )
        return 2
    print(f"Albatross {__version__} worker: data {_where(settings)}", flush=True)
    services = await build_services(settings, migrate=True, role="worker")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    from litestar import Litestar

    # The notifier is Litestar's channels plugin: it needs an app's lifespan to run, even here.
    host = Litestar(
        route_handlers=[], plugins=[services.notifier] if services.notifier else [], logging_config=None
    )
    try:
        async with host.lifespan():
            # One runner per unit; with a broker, each unit runs in one worker at a time.
            runners = [asyncio.create_task(unit.run()) for unit in services.units]
            runners += [asyncio.create_task(clock()) for clock in services.clocks]
            print("Worker running projections", flush=True)
            try:
                await stop.wait()
            finally:
                for runner in runners:
                    runner.cancel()
                await asyncio.gather(*runners, return_exceptions=True)
    finally:
        await services.close()
    return 0


async def _migrate(settings: Settings, _: argparse.Namespace) -> int:
    from albatross.bootstrap import build_services

    if settings.ephemeral:
        print("albatross: nothing to migrate for an in-memory database", file=sys.stderr)
        return 2
    services = await build_services(settings, migrate=True)
    await services.close()
    print(f"Migrated {_where(settings)}")
    return 0


async def _rebuild(settings: Settings, _: argparse.Namespace) -> int:
    from albatross.bootstrap import build_services

    services = await build_services(settings, migrate=True)
    try:
        started = time.perf_counter()
        count = await services.runner.rebuild()
        seconds = time.perf_counter() - started
        rate = count / seconds if seconds > 0 else 0.0
        print(
            f"Rebuilt {len(services.runner.projections)} projections from {count} events in {seconds:.2f} s ({rate:,.0f} events/s)"
        )
        return 0
    finally:
        await services.close()


async def _reset_password(settings: Settings, args: argparse.Namespace) -> int:
    from albatross.bootstrap import build_services
    from albatross.identity.auth import handle_reset_password
    from albatross.kernel import NotFound

    services = await build_services(settings, migrate=True)
    try:
        try:
            password = await handle_reset_password(services.identity, args.username)
        except NotFound as exc:
            print(f"albatross: {exc.detail}", file=sys.stderr)
            return 1
        print(
            f"One-time password set: username={args.username.strip().lower()} password={password}", flush=True
        )
        return 0
    finally:
        await services.close()


async def _demo(settings: Settings, _: argparse.Namespace) -> int:
    from albatross.bootstrap import build_services

    if settings.ephemeral:
        print(
            "albatross: demo data in an in-memory database vanishes at exit; use serve --ephemeral --demo",
            file=sys.stderr,
        )
        return 2
    services = await build_services(settings, migrate=True)
    try:
        return await _fill_with_demo(services, refused_is_fine=False)
    finally:
        await services.close()


async def _fill_with_demo(services: Services, *, refused_is_fine: bool) -> int:
    """Write the demo airline and print what was made, with its one-time passwords (only here)."""
    from albatross.flights.demo import DemoRefused, create_demo, summary

    started = time.perf_counter()
    try:
        result = await create_demo(services.identity)
    except DemoRefused as exc:
        if refused_is_fine:  # serve --demo on a store in use: serve it as it is
            print(f"Demo data not added: {exc}", flush=True)
            return 0
        print(f"albatross: {exc}", file=sys.stderr)
        return 2
    for line in summary(result):
        print(line, flush=True)
    print(f"Demo data written in {time.perf_counter() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
