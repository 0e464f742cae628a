"""Run parameters (GeneratorConfig) and the simulation profile (profile.yml)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import yaml

FORMATS = ("mixed", "jsonl", "jsonl.gz", "parquet")
DEFAULT_PROFILE = Path(__file__).with_name("profile.yml")
DAY_MS = 86_400_000
CHINA_OFFSET_MS = 8 * 3_600_000

# Independent random streams: each module draws from its own, so changing one part of the
# simulation does not reshuffle every other part.
STREAMS = {
    "catalog": 1,
    "people": 2,
    "clients": 3,
    "sessions": 4,
    "rows": 5,
    "extras": 6,
    "traps": 7,
    "crm": 8,
    "consent": 9,
    "patch": 10,
}


@dataclass(frozen=True)
class GeneratorConfig:
    events: int = 1_000_000
    days: int = 30
    seed: int = 7
    out_dir: Path = Path("data/raw")
    truth_dir: Path | None = None
    start_date: dt.date = dt.date(2026, 10, 1)
    fmt: str = "mixed"
    profile_path: Path = DEFAULT_PROFILE

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise ValueError(f"fmt must be one of {FORMATS}, not {self.fmt!r}")
        if self.events < 1000:
            raise ValueError("events must be at least 1000")
        if self.days < 1:
            raise ValueError("days must be at least 1")
        object.__setattr__(self, "out_dir", Path(self.out_dir))
        if self.truth_dir is not None:
            object.__setattr__(self, "truth_dir", Path(self.truth_dir))

    @property
    def resolved_truth_dir(self) -> Path:
        # data/raw -> data/truth: the truth sits beside the landing dir, never inside it
        return self.truth_dir if self.truth_dir is not None else self.out_dir.parent / "truth"

    @cached_property
    def start_ms(self) -> int:
        start = dt.datetime(self.start_date.year, self.start_date.month, self.start_date.day)
        return int(start.replace(tzinfo=dt.UTC).timestamp() * 1000)

    @cached_property
    def end_ms(self) -> int:
        return self.start_ms + self.days * DAY_MS

    def rng(self, stream: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, STREAMS[stream]])


@dataclass(frozen=True)
class Profile:
    """The parsed profile.yml; sections are plain dicts, read by the module that owns them."""

    data: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, section: str) -> dict[str, Any]:
        return self.data[section]

    @property
    def campaigns(self) -> list[dict[str, Any]]:
        return self.data["campaigns"]


_UNSAFE = re.compile(r'["\\\x00-\x1f]')


def _check_strings(node: Any, where: str) -> None:
    # JSON lines are assembled from these strings without escaping, so forbid what needs it.
    if isinstance(node, str):
        if _UNSAFE.search(node):
            raise ValueError(f"profile string {node!r} at {where} needs JSON escaping")
    elif isinstance(node, dict):
        for key, value in node.items():
            _check_strings(key, where)
            _check_strings(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _check_strings(value, f"{where}[{i}]")


def load_profile(path: Path = DEFAULT_PROFILE) -> Profile:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    required = {"population", "segments", "activity", "funnel", "catalog", "traffic",
                "campaigns", "experiment", "traps", "backoffice", "fraud", "crm", "consent"}
    missing = required - set(data)
    if missing:
        raise ValueError(f"profile {path} lacks sections {sorted(missing)}")
    if len(data["funnel"]["reach"]) != 6:
        raise ValueError("funnel.reach needs six steps")
    _check_strings(data, "profile")
    return Profile(data)


def weights(mapping: dict[Any, float]) -> tuple[list[Any], np.ndarray]:
    """Keys and normalised probabilities of a {name: weight} mapping, in file order."""
    keys = list(mapping)
    w = np.asarray([float(mapping[k]) for k in keys])
    return keys, w / w.sum()
