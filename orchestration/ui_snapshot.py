"""Screenshot the Dagster UI's global asset lineage in headless Chromium.

    python -m orchestration.ui_snapshot [--out PNG] [--path /asset-groups]

Starts `dagster-webserver` for this code location on a free loopback port with a throwaway
DAGSTER_HOME, waits until it answers, lets Chromium render the page (the UI is a JavaScript app, so
Chromium gets a virtual-time budget), writes the PNG and stops the server. Chromium is Debian's
`chromium` package; it is installed with apt-get when missing. Nothing leaves the machine: the
background-networking flags keep Chromium off the network.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from orchestration.settings import REPO_ROOT

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def chromium_binary() -> str:
    """Path of Debian's chromium, installing the package when it is missing."""
    found = shutil.which("chromium")
    if found:
        return found
    subprocess.run(["apt-get", "install", "-y", "chromium"], check=True, capture_output=True)
    found = shutil.which("chromium")
    if not found:
        raise RuntimeError("apt-get installed chromium but it is not on PATH")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    raise TimeoutError(f"the Dagster webserver did not answer at {url} in {timeout_s:.0f}s")


def screenshot(url: str, out: Path, width: int, height: int, budget_ms: int) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium_binary(),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--virtual-time-budget={budget_ms}",
                f"--screenshot={out}",
                url,
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs/images/dagster_lineage.png")
    parser.add_argument("--path", default="/asset-groups", help="UI page to capture")
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1200)
    parser.add_argument("--budget-ms", type=int, default=30_000)
    args = parser.parse_args(argv)

    # The webserver (unlike `dagster dev`) does not re-parse: a stale manifest would hide models.
    from orchestration.project import parse_project

    parse_project()
    port = free_port()
    webserver = Path(sys.executable).with_name("dagster-webserver")
    with tempfile.TemporaryDirectory() as home:
        # the project's instance settings (no telemetry, no pop-up) in a throwaway home
        shutil.copy(REPO_ROOT / ".dagster_home" / "dagster.yaml", Path(home) / "dagster.yaml")
        server = subprocess.Popen(
            [str(webserver), "-m", "orchestration.definitions", "-h", "127.0.0.1", "-p", str(port)],
            env={**os.environ, "DAGSTER_HOME": home},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/server_info", timeout_s=180)
            screenshot(
                f"http://127.0.0.1:{port}{args.path}",
                args.out,
                args.width,
                args.height,
                args.budget_ms,
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
