"""What real collection does to events: junk ids, sloppy names, late and repeated delivery,
bad rows."""

from __future__ import annotations

import numpy as np

from orchestration.sample_data import frame as fr
from orchestration.sample_data.config import CHINA_OFFSET_MS, DAY_MS, GeneratorConfig, Profile
from orchestration.sample_data.people import (
    APP,
    JUNK_UNIONID,
    JUNK_USER,
    MP,
    OFFLINE,
    SERVER,
    Population,
)

TRACK_KINDS = (fr.T_SEARCH, fr.T_HEARTBEAT)  # inclusive range of track kinds


def apply_traps(cfg: GeneratorConfig, profile: Profile, pop: Population, f: fr.Frame) -> fr.Frame:
    rng = cfg.rng("traps")
    traps = profile["traps"]
    n = fr.size(f)
    f["uid"] = np.arange(n, dtype=np.int64)

    # ~1% of track names arrive un-normalised ("Add To Cart", "addToCart", " view_item ", ...)
    track = (f["kind"] >= TRACK_KINDS[0]) & (f["kind"] <= TRACK_KINDS[1])
    sloppy = track & (rng.random(n) < traps["name_variant_share"])
    f["name_variant"][sloppy] = rng.integers(1, 6, int(sloppy.sum()))

    # buggy SDKs: a junk value beside a real identifier, never instead of the only one
    client = f["client"]
    jf = np.where(client >= 0, pop.c_junk_field[np.maximum(client, 0)], 0)
    junk = (jf > 0) & (rng.random(n) < traps["junk_event_share"])
    junk &= ~((jf == JUNK_USER) & (f["user"] >= 0))
    junk &= ~((jf == JUNK_UNIONID) & f["unionid"])
    # a mini-program SDK with an unset unionid sends its placeholder until the real one arrives
    junk |= (jf == JUNK_UNIONID) & ~f["unionid"] & (f["channel"] == MP)
    f["junk"] = np.where(junk, 1 + pop.c_junk_value[np.maximum(client, 0)], 0).astype(np.int8)

    f["recv"] = _received(cfg, profile, rng, f)
    bad = _bad_rows(cfg, profile, rng, f)
    dup = _duplicates(profile, rng, f)
    return fr.concat([f, bad, dup])


def _received(cfg: GeneratorConfig, profile: Profile, rng: np.random.Generator,
              f: fr.Frame) -> np.ndarray:
    traps = profile["traps"]
    n = fr.size(f)
    ts = f["ts"]
    # normally the collector gets an event 0.05-5 s after it happened
    lag = np.clip(rng.lognormal(np.log(400), 1.0, n), 50, 5000).astype(np.int64)
    recv = ts + lag
    server = f["channel"] == SERVER
    recv[server] = ts[server] + rng.integers(50, 300, int(server.sum()))
    # store tills upload the day's sales at night (02:00-04:00 local, next day)
    off = f["channel"] == OFFLINE
    local_day = np.floor_divide(ts[off] + CHINA_OFFSET_MS, DAY_MS)
    recv[off] = ((local_day + 1) * DAY_MS - CHINA_OFFSET_MS + 2 * 3_600_000
                 + rng.integers(0, 2 * 3_600_000, int(off.sum())))
    # late app sessions: buffered offline, flushed 1-6 days later in one go
    sid = f["session"]
    n_sessions = int(sid.max(initial=-1)) + 1
    app = (f["channel"] == APP) & (sid >= 0)
    app_session = np.zeros(n_sessions, dtype=bool)
    app_session[sid[app]] = True
    late_session = app_session & (rng.random(n_sessions) < traps["late_app_share"])
    late = app & late_session[np.maximum(sid, 0)]
    if late.any():
        rows = np.flatnonzero(late)  # a session's rows are contiguous and in time order
        s = sid[rows]
        last = np.full(n_sessions, np.iinfo(np.int64).min)
        np.maximum.at(last, s, ts[rows])
        lo, hi = traps["late_delay_days"]
        delay = ((lo + rng.random(n_sessions) * (hi - lo - 0.05)) * DAY_MS).astype(np.int64)
        first = np.r_[True, s[1:] != s[:-1]]
        pos = np.arange(len(rows))
        rank = pos - np.maximum.accumulate(np.where(first, pos, 0))
        recv[rows] = last[s] + delay[s] + rank * 7
        f["late"][rows] = True
    return recv


def _eligible_for_bad(cfg: GeneratorConfig, f: fr.Frame) -> np.ndarray:
    # bad rows only go where a collector writes raw text: the JSON files, not Parquet
    if cfg.fmt == "parquet":
        return np.zeros(fr.size(f), dtype=bool)
    if cfg.fmt == "mixed":
        return f["channel"] != MP
    return np.ones(fr.size(f), dtype=bool)


def _bad_rows(cfg: GeneratorConfig, profile: Profile, rng: np.random.Generator,
              f: fr.Frame) -> fr.Frame:
    traps = profile["traps"]
    pool = np.flatnonzero(_eligible_for_bad(cfg, f))
    k = min(len(pool), round(traps["bad_row_share"] * fr.size(f)))
    if k == 0:
        return fr.empty(0)
    src = np.sort(rng.choice(pool, size=k, replace=False))
    bad = fr.take(f, src)
    reasons = list(traps["bad_reasons"])
    w = np.array([traps["bad_reasons"][r] for r in reasons], dtype=float)
    codes = np.array([fr.BAD_REASONS.index(r) for r in reasons])
    bad["bad"] = codes[rng.choice(len(codes), k, p=w / w.sum())].astype(np.int8)
    # every reason shows up at least once when there is room for it
    if k >= len(codes):
        bad["bad"][rng.permutation(k)[: len(codes)]] = codes
    bad["uid"] = fr.size(f) + np.arange(k, dtype=np.int64)
    bad["recv"] = bad["recv"] + rng.integers(0, 3000, k)
    future = bad["bad"] == fr.FUTURE
    bad["ts"][future] = bad["recv"][future] + rng.integers(7 * DAY_MS, 90 * DAY_MS,
                                                           int(future.sum()))
    return bad


def _duplicates(profile: Profile, rng: np.random.Generator, f: fr.Frame) -> fr.Frame:
    traps = profile["traps"]
    n = fr.size(f)
    k = round(traps["duplicate_share"] * n)
    src = np.sort(rng.choice(n, size=k, replace=False))
    dup = fr.take(f, src)
    lo, hi = traps["duplicate_delay_s"]
    # log-uniform: most retries come seconds later, a few days later
    delay = np.exp(rng.uniform(np.log(lo), np.log(hi), k)) * 1000
    dup["recv"] = dup["recv"] + np.maximum(delay.astype(np.int64), 1000)
    dup["bad"][:] = fr.DUPLICATE
    return dup
