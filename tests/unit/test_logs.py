"""Log set-up: what reaches the log even at DEBUG, and the JSON line's shape."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from albatross import logs


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    named = {n: logging.getLogger(n).level for n in ("aiosqlite", "alembic", "aio_pika", "aiormq")}
    yield
    root.handlers[:], root.level = handlers, level
    for name, was in named.items():
        logging.getLogger(name).setLevel(was)


def test_debug_keeps_database_driver_chatter_out(restored_logging: None) -> None:
    logs.configure("DEBUG", "text")
    assert logging.getLogger("albatross").isEnabledFor(logging.DEBUG)
    # aiosqlite's per-statement lines carry call parameters; they never reach a handler.
    assert not logging.getLogger("aiosqlite").isEnabledFor(logging.DEBUG)
    assert logging.getLogger("aiosqlite").isEnabledFor(logging.WARNING)


def test_json_lines_carry_extra_fields(restored_logging: None) -> None:
    record = logging.makeLogRecord({"name": "albatross", "msg": "hello %s", "args": ("there",), "path": "/x"})
    line = json.loads(logs.JsonFormatter().format(record))
    assert line["message"] == "hello there"
    assert line["path"] == "/x"
    assert line["logger"] == "albatross"
