"""The albatross command: settings errors, migrate, reset-password, rebuild, version."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path

import pytest

from albatross import __version__
from albatross.__main__ import main
from albatross.bootstrap import build_services
from albatross.config import ConfigError, load_settings
from albatross.identity.auth import handle_create_platform_admin, handle_login


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("DATABASE_URL", "BROKER_URL", "CACHE_URL", "CONFIG", "PORT"):
        monkeypatch.delenv(f"ALBATROSS_{name}", raising=False)
    monkeypatch.setenv("ALBATROSS_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "albatross", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_version_through_python_dash_m() -> None:
    result = run_cli("version")
    assert result.returncode == 0 and result.stdout.strip() == f"albatross {__version__}"


@pytest.mark.parametrize(
    ("variable", "value", "mentions"),
    [
        ("ALBATROSS_PORT", "not-a-port", "ALBATROSS_PORT"),
        ("ALBATROSS_PORT", "70000", "ALBATROSS_PORT"),
        ("ALBATROSS_DATABASE_URL", "mysql://root:hunter2@db/albatross", "ALBATROSS_DATABASE_URL"),
        ("ALBATROSS_BROKER_URL", "amqp://guest:guest@localhost/", "ALBATROSS_BROKER_URL"),  # SQLite
        ("ALBATROSS_BROKER_URL", "kafka://broker:9092", "ALBATROSS_BROKER_URL"),
        ("ALBATROSS_READ_WAIT_SECONDS", "-1", "ALBATROSS_READ_WAIT_SECONDS"),
        ("ALBATROSS_LOG_FORMAT", "xml", "ALBATROSS_LOG_FORMAT"),
        ("ALBATROSS_CONFIG", "/nonexistent/albatross.toml", "ALBATROSS_CONFIG"),
        ("ALBATROSS_DATABSE_URL", "sqlite+aiosqlite:///elsewhere.db", "ALBATROSS_DATABSE_URL"),
    ],
)
def test_a_bad_setting_stops_with_one_clear_line(
    tmp_path: Path, variable: str, value: str, mentions: str
) -> None:
    env = {"PATH": "/usr/bin:/bin", "ALBATROSS_DATA_DIR": str(tmp_path / "d"), variable: value}
    result = run_cli("serve", env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and mentions in lines[0]
    assert "Traceback" not in result.stderr and "hunter2" not in result.stderr
    assert not (tmp_path / "d").exists()


def test_settings_come_from_a_toml_file_and_the_environment_wins(tmp_path: Path) -> None:
    config = tmp_path / "albatross.toml"
    config.write_text('port = 9001\nhost = "0.0.0.0"\nsession_ttl_seconds = 600\n')
    settings = load_settings(environ={"ALBATROSS_CONFIG": str(config), "ALBATROSS_PORT": "9002"})
    assert (settings.port, settings.host, settings.session_ttl_seconds) == (9002, "0.0.0.0", 600)
    config.write_text("colour = 'blue'\n")
    with pytest.raises(ConfigError, match="colour"):
        load_settings(environ={"ALBATROSS_CONFIG": str(config)})


def test_the_default_database_is_one_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings(environ={"ALBATROSS_DATA_DIR": str(tmp_path)})
    assert settings.resolved_database_url == f"sqlite+aiosqlite:///{tmp_path.resolve() / 'albatross.db'}"
    assert load_settings(environ={"ALBATROSS_DATABASE_URL": "memory://"}).ephemeral


def test_migrate_creates_the_database(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate"]) == 0
    assert (data_dir / "albatross.db").exists()
    assert "Migrated" in capsys.readouterr().out


def test_reset_password_prints_one_time_credentials_that_log_in(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async def create_admin() -> None:
        services = await build_services(load_settings())
        assert await handle_create_platform_admin(services.identity) is not None
        await services.close()

    asyncio.run(create_admin())
    assert main(["admin", "reset-password", "admin"]) == 0
    out = capsys.readouterr().out
    match = re.search(r"username=admin password=(\S+)", out)
    assert match is not None and len(out.strip().splitlines()) == 1

    async def login() -> bool:
        services = await build_services(load_settings())
        result = await handle_login(services.identity, "admin", match.group(1))
        await services.close()
        return result.must_change_password

    assert asyncio.run(login()) is True
    assert main(["admin", "reset-password", "nobody"]) == 1
    assert "nobody" in capsys.readouterr().err


def test_projections_rebuild_reports_what_it_replayed(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async def create_admin() -> None:
        services = await build_services(load_settings())
        await handle_create_platform_admin(services.identity)
        await services.close()

    asyncio.run(create_admin())
    assert main(["projections", "rebuild"]) == 0
    assert re.search(r"Rebuilt 5 projections from 3 events", capsys.readouterr().out)


def test_demo_fills_an_empty_store_once_and_prints_the_passwords_once(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "ALBATROSS_DATA_DIR": str(tmp_path / "d"),
        "ALBATROSS_LOG_LEVEL": "WARNING",
    }
    first = run_cli("demo", env=env)
    assert first.returncode == 0, first.stderr
    credentials = re.findall(r"username=(\S+) password=(\S+)", first.stdout)
    assert len(credentials) == 12  # the platform admin, the airline admin and 10 pilots
    assert re.search(r"\b(2\d\d) flights\b", first.stdout) and "Traceback" not in first.stderr

    again = run_cli("demo", env=env)
    assert again.returncode == 2
    lines = again.stderr.strip().splitlines()
    assert len(lines) == 1 and "already has an airline" in lines[0]
    assert "password=" not in again.stdout
