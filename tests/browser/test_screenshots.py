"""`./dev screenshots` works: every main page answers 200 for its role with the demo airline, and
each shot is a PNG of the viewport it was taken at."""

from __future__ import annotations

import struct
from pathlib import Path

from tests.browser.screenshots import DESKTOP, PHONE, take_screenshots


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


async def test_the_screenshot_command_shoots_every_main_page(tmp_path: Path) -> None:
    written = await take_screenshots(tmp_path)
    assert len(written) == len(set(written)) >= 20
    for path in written:
        expected = PHONE if path.name.startswith("phone-") else DESKTOP
        assert _png_size(path) == (expected["width"], expected["height"]), path.name
