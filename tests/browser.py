"""Real Chromium for the page tests: Debian's package driven by Playwright
(nothing downloads a browser). Shared by the dashboard and agents' app tests."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} missing: run `make install-chromium`"
)


def browser_fixture():
    """A module-scoped `browser` fixture for a test module to expose."""

    @pytest.fixture(scope="module")
    def browser():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield launched
            launched.close()

    return browser
