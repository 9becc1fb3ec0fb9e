"""Settings from the environment (ALBATROSS_*) and an optional TOML file, checked at start."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import msgspec

ENV_PREFIX = "ALBATROSS_"


class ConfigError(Exception):
    """A setting is wrong; the message is one line meant for the operator."""


class Settings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    database_url: str = ""
    """`sqlite+aiosqlite:///path`, `memory://`, or (production) `postgresql+asyncpg://...`."""
    broker_url: str = "memory://"
    cache_url: str = "memory://"
    data_dir: str = "./albatross-data"
    host: str = "127.0.0.1"
    port: int = 8000
    session_ttl_seconds: int = 12 * 3600
    auth_cache_seconds: int = 5
    read_wait_seconds: float = 5.0
    """How long a query with ?min_position= waits for projections before answering 503."""
    ws_heartbeat_seconds: float = 15.0
    """How often the live feed sends a heartbeat frame (and checks its caller again)."""
    csrf_secret: str = ""
    """Signs the web pages' CSRF tokens: the same value in every web process (empty: random per process)."""
    log_level: str = "INFO"
    log_format: str = "text"
    """`text` for people, `json` for log collectors: one JSON object per line."""

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{Path(self.data_dir).resolve() / 'albatross.db'}"

    @property
    def ephemeral(self) -> bool:
        return self.resolved_database_url == "memory://"

    @property
    def shared_database(self) -> bool:
        """PostgreSQL: many processes share it, and projections run in `albatross worker`."""
        return self.resolved_database_url.startswith("postgresql")


_FIELDS = {f.name: f for f in msgspec.structs.fields(Settings)}


def load_settings(environ: dict[str, str] | None = None, overrides: dict[str, Any] | None = None) -> Settings:
    """Defaults < TOML file (ALBATROSS_CONFIG) < environment < command-line overrides."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    config_file = environ.get(f"{ENV_PREFIX}CONFIG")
    if config_file:
        try:
            with open(config_file, "rb") as f:
                values.update(tomllib.load(f))
        except OSError as exc:
            raise ConfigError(f"ALBATROSS_CONFIG: cannot read {config_file}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"ALBATROSS_CONFIG: {config_file} is not valid TOML: {exc}") from None
    for name in _FIELDS:
        raw = environ.get(ENV_PREFIX + name.upper())
        if raw is not None and raw != "":
            values[name] = raw
    known = {ENV_PREFIX + name.upper() for name in _FIELDS} | {f"{ENV_PREFIX}CONFIG"}
    unknown = sorted(k for k in environ if k.startswith(ENV_PREFIX) and k not in known)
    if unknown:  # a typo must not silently fall back to a default (say, a fresh database)
        raise ConfigError(f"unknown setting {unknown[0]}; known: {', '.join(sorted(known))}")
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    try:
        settings = msgspec.convert(values, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"invalid setting: {_explain(exc)}") from None
    _check(settings)
    return settings


def _explain(exc: msgspec.ValidationError) -> str:
    message = str(exc)
    if "at `$." in message:
        text, _, path = message.partition(" - at `$.")
        name = path.rstrip("`").split(".")[0].split("[")[0]
        return f"{ENV_PREFIX}{name.upper()}: {text}"
    if message.startswith("Object contains unknown field"):
        return f"unknown setting in the config file ({message.split('`')[1]})"
    return message


def _check(s: Settings) -> None:
    url = s.resolved_database_url
    if not (url == "memory://" or url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://"))):
        raise ConfigError(
            f"ALBATROSS_DATABASE_URL: unsupported URL {redact(url)!r}; use sqlite+aiosqlite:///path, "
            "postgresql+asyncpg://user:password@host/db or memory://"
        )
    if not (s.broker_url == "memory://" or s.broker_url.startswith(("amqp://", "amqps://"))):
        raise ConfigError(
            f"ALBATROSS_BROKER_URL: unsupported URL {redact(s.broker_url)!r}; use memory:// or amqp://user:password@host/"
        )
    if s.broker_url != "memory://" and not s.shared_database:
        # Embedded, serve runs the projections itself: there is nothing to spread over workers.
        raise ConfigError("ALBATROSS_BROKER_URL: a broker needs a shared database (postgresql+asyncpg://...)")
    if not (s.cache_url == "memory://" or s.cache_url.startswith(("redis://", "rediss://"))):
        raise ConfigError(
            f"ALBATROSS_CACHE_URL: unsupported URL {redact(s.cache_url)!r}; use memory:// or redis://host:port/db"
        )
    if not 0 < s.port < 65536:
        raise ConfigError(f"ALBATROSS_PORT: {s.port} is not a TCP port")
    for name in ("session_ttl_seconds", "auth_cache_seconds"):
        if getattr(s, name) <= 0:
            raise ConfigError(f"{ENV_PREFIX}{name.upper()}: must be positive")
    if not 0 < s.read_wait_seconds <= 60:
        raise ConfigError("ALBATROSS_READ_WAIT_SECONDS: must be between 0 and 60")
    if not 0.1 <= s.ws_heartbeat_seconds <= 300:
        raise ConfigError("ALBATROSS_WS_HEARTBEAT_SECONDS: between 0.1 and 300")
    if s.log_format not in {"text", "json"}:
        raise ConfigError("ALBATROSS_LOG_FORMAT: text or json")
    if s.log_level.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ConfigError("ALBATROSS_LOG_LEVEL: one of DEBUG, INFO, WARNING, ERROR")


def redact(url: str) -> str:
    """A URL fit to show or log: the scheme, host and path, never a user, password or query (a
    query can carry a password too). When the text cannot be split with certainty (a `?` or `#`
    before the last `@`: in a password, or is the `@` in a query?), only the scheme is shown."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "unknown"
    credentials, at, after = rest.rpartition("@")
    if at and ("?" in credentials or "#" in credentials):
        return f"{scheme}://…"
    for end in ("?", "#"):
        after = after.partition(end)[0]
    return f"{scheme}://{after}"
