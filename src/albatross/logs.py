"""Log lines: human text by default, or one JSON object per line (ALBATROSS_LOG_FORMAT=json).

Fields passed as `extra=` (request and command details) become JSON keys. Nothing here decides
what is logged: callers never pass secrets, and database errors carry no parameters.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName", "color_message"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class WebSocketLineFilter(logging.Filter):
    """uvicorn logs each WebSocket handshake with the client's address and the full URL, whose
    query string may hold a live-feed ticket: keep the path, drop the rest."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "WebSocket" in str(record.msg) and isinstance(record.args, tuple) and record.args:
            record.args = ("-", *(a.split("?", 1)[0] if isinstance(a, str) else a for a in record.args[1:]))
        return True


def configure(level: str, fmt: str) -> None:
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(WebSocketLineFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # aiosqlite logs every statement hand-off at DEBUG, with the call and its parameters: noise
    # at best, and a parameter can be a secret's hash.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
    # The broker client logs three lines per failed reconnect attempt, every second; our adapter
    # (albatross.broker) says once that the broker went away and once that it is back.
    for name in ("aio_pika", "aiormq"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
