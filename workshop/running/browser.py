"""The real browser for page checks: Debian's Chromium, driven by Playwright, never a downloaded build."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from workshop.catalogue import say

# Flags for a headless Chromium on a machine with no network beyond loopback (and often root).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

CHROMIUM_HELP = say("help.no_chromium")  # workshop/catalogue: in the learner's language

PLAYWRIGHT_HELP = say("help.no_playwright")


def find_chromium() -> Path | None:
    """CHROMIUM when set (None if nothing is there), else the first Chromium on PATH or in /usr/bin."""
    if os.environ.get("CHROMIUM"):
        given = Path(os.environ["CHROMIUM"])
        return given if given.is_file() else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return Path(found)
    debian = Path("/usr/bin/chromium")
    return debian if debian.exists() else None


CHROMEDRIVER_HELP = say("help.no_chromedriver")  # workshop/catalogue: in the learner's language


def find_chromedriver() -> Path | None:
    """CHROMEDRIVER when set, else chromedriver on PATH: the driver Selenium runs the tutorial's tests with."""
    given = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    return Path(given) if given and Path(given).is_file() else None


JAPANESE_FONT_HELP = say("help.no_japanese_font")


def japanese_fonts() -> list[str]:
    """The font families fontconfig says cover Japanese (`fc-list :lang=ja`); none without fontconfig."""
    if shutil.which("fc-list") is None:
        return []
    listed = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True)
    return sorted({name for line in listed.stdout.splitlines() for name in line.split(",") if name})


def browser_required() -> bool:
    """In CI (or when asked) a missing Chromium fails the run instead of skipping the page checks."""
    return bool(os.environ.get("CI")) or os.environ.get("WORKSHOP_REQUIRE_BROWSER") == "1"
