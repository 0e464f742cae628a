"""Speed check (not a test): time the CLI at given sizes, each in a fresh process.

    python -m orchestration.sample_data.speed --events 1000000 10000000

Prints wall time, CPU time and peak memory per size; the output goes to a temporary directory
that is removed afterwards unless --keep is given.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def measure(events: int, days: int = 30, seed: int = 7, fmt: str = "mixed",
            workdir: Path | None = None, keep: bool = False) -> dict[str, float]:
    root = Path(tempfile.mkdtemp(prefix="sample_speed_", dir=workdir))
    out = root / "raw"
    cmd = [sys.executable, "-m", "orchestration.sample_data", "--events", str(events),
           "--days", str(days), "--seed", str(seed), "--format", fmt, "--out", str(out)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(f"generator failed with status {status}")
    manifest = json.loads((root / "truth" / "manifest.json").read_text(encoding="utf-8"))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    if not keep:
        shutil.rmtree(root)
    return {
        "events": events, "lines": manifest["counts"]["lines"], "wall_s": round(wall, 1),
        "user_s": round(usage.ru_utime, 1), "sys_s": round(usage.ru_stime, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024), "output_mb": round(size / 2**20),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--format", default="mixed", dest="fmt")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    print(f"{os.cpu_count()} cpus, load average {os.getloadavg()[0]:.1f}")
    for n in args.events:
        r = measure(n, args.days, fmt=args.fmt, workdir=args.workdir, keep=args.keep)
        print("  ".join(f"{k}={v:,}" if isinstance(v, int) else f"{k}={v}" for k, v in r.items()),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
