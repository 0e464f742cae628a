"""Run one benchmark step as a child process and take the kernel's accounting of it.

`os.wait4` returns the child's resource usage (user and system CPU, peak resident set size; on
Linux the children it waited for are included), so nothing in this process skews the figures.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Measurement:
    name: str
    command: list[str]
    returncode: int
    wall_s: float
    user_s: float
    sys_s: float
    max_rss_bytes: int
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    log: str
    extra: dict = field(default_factory=dict)

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s

    def to_json(self) -> dict:
        data = asdict(self)
        data["cpu_s"] = round(self.cpu_s, 3)
        return data


class StepFailed(RuntimeError):
    pass


def run_measured(
    name: str,
    command: list[str],
    *,
    env: dict[str, str],
    cwd: Path,
    log_path: Path,
    check: bool = True,
) -> Measurement:
    """Run `command`, its output to `log_path`; with `check`, raise StepFailed (with the log's
    tail) when it fails."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    started = time.perf_counter()
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    returncode = os.waitstatus_to_exitcode(status)
    process.returncode = returncode
    measurement = Measurement(
        name=name,
        command=command,
        returncode=returncode,
        wall_s=round(wall, 3),
        user_s=round(usage.ru_utime, 3),
        sys_s=round(usage.ru_stime, 3),
        max_rss_bytes=usage.ru_maxrss * 1024,  # Linux reports kilobytes
        load_before=tuple(round(x, 2) for x in load_before),
        load_after=tuple(round(x, 2) for x in os.getloadavg()),
        log=str(log_path),
    )
    if check and returncode != 0:
        raise StepFailed(failure_message(measurement))
    return measurement


def failure_message(m: Measurement) -> str:
    tail = "\n".join(Path(m.log).read_text(errors="replace").splitlines()[-40:])
    return f"step {m.name} failed (exit {m.returncode}); log {m.log}:\n{tail}"
