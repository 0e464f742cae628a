"""Which file each line lands in (by the UTC day the collector received it) and in what order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.sample_data import frame as fr
from orchestration.sample_data.config import DAY_MS, GeneratorConfig
from orchestration.sample_data.encode import day_keys
from orchestration.sample_data.people import APP, IOT, MP

# format -> [(file suffix, extension)] per file kind
FILE_KINDS: dict[str, list[tuple[str, str]]] = {
    "mixed": [("_web", "jsonl"), ("_app", "jsonl.gz"), ("_mp", "parquet")],
    "jsonl": [("", "jsonl")],
    "jsonl.gz": [("", "jsonl.gz")],
    "parquet": [("", "parquet")],
}


@dataclass
class EventFile:
    name: str
    extension: str
    start: int  # row range in the arranged frame
    stop: int


def file_kind(channel: np.ndarray, fmt: str) -> np.ndarray:
    if fmt != "mixed":
        return np.zeros(len(channel), dtype=np.int64)
    # web, server and store events -> web file; app and devices -> app file; WeChat -> mp file
    return np.where(np.isin(channel, [APP, IOT]), 1, np.where(channel == MP, 2, 0)).astype(np.int64)


def arrange(cfg: GeneratorConfig, f: fr.Frame) -> tuple[fr.Frame, list[EventFile]]:
    kinds = FILE_KINDS[cfg.fmt]
    day = np.floor_divide(f["recv"] - cfg.start_ms, DAY_MS)
    if day.min(initial=0) < 0:
        raise AssertionError("an event was received before the window started")
    group = day * len(kinds) + file_kind(f["channel"], cfg.fmt)
    rel = f["recv"] - cfg.start_ms
    # one sort key: file group in the high bits, receive time below; stable keeps ties in
    # frame order, which is deterministic
    order = np.argsort((group << 36) | rel, kind="stable")
    f = fr.take(f, order)
    group = group[order]
    bounds = np.r_[0, np.flatnonzero(group[1:] != group[:-1]) + 1, len(group)]
    files = []
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        g = int(group[lo])
        suffix, ext = kinds[g % len(kinds)]
        key = int(day_keys(np.array([f["recv"][lo]]))[0])
        files.append(EventFile(name=f"events_{key}{suffix}.{ext}", extension=ext,
                               start=int(lo), stop=int(hi)))
    return f, files
