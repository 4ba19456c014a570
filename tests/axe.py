"""axe-core for the browser tests: installed from the npm registry under
tests/.cache on first use, served to pages from their own origin (so a CSP
of script-src 'self' still applies), and run for WCAG 2.1 A/AA."""

import os
import re
import subprocess
from pathlib import Path

AXE_VERSION = "4.10.2"
CACHE = Path(__file__).resolve().parent / ".cache"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PATH = "/__axe__.js"


def source() -> str:
    target = CACHE / "node_modules" / "axe-core" / "axe.min.js"
    if not target.exists():
        CACHE.mkdir(exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(CACHE),
                f"axe-core@{AXE_VERSION}",
            ],
            check=True,
            env=dict(os.environ, npm_config_update_notifier="false"),
        )
    return target.read_text(encoding="utf-8")


def serve(context, text: str) -> None:
    """Answer PATH on any origin of this browser context with axe-core."""
    context.route(f"**{PATH}", lambda route: route.fulfill(body=text, content_type="text/javascript"))


def violations(page) -> list[str]:
    base = re.match(r"https?://[^/]+", page.url).group(0)
    page.add_script_tag(url=base + PATH)
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' ')))",
        TAGS,
    )
