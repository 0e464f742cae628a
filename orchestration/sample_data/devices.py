"""Smart devices (IoT): heartbeats in short bursts; the first binds the device to the account."""

from __future__ import annotations

import numpy as np

from orchestration.sample_data import frame as fr
from orchestration.sample_data.config import DAY_MS, GeneratorConfig, Profile
from orchestration.sample_data.people import IOT, Population


def build_iot_rows(cfg: GeneratorConfig, profile: Profile, pop: Population,
                   first_session: int) -> fr.Frame:
    rng = np.random.default_rng([cfg.seed, 6, 1])
    act = profile["activity"]
    clients = np.flatnonzero(pop.c_channel == IOT)
    if not len(clients):
        return fr.empty(0)
    person = pop.c_person[clients]
    end = np.where(np.isnan(pop.churn[person]), cfg.days, pop.churn[person] - 0.1)
    begin = pop.arrive[person]
    n_sess = 1 + rng.poisson(act["iot_sessions_per_day"] * np.maximum(end - begin, 0))
    sc = np.repeat(np.arange(len(clients)), n_sess)
    t = begin[sc] + rng.random(len(sc)) * np.maximum(end - begin, 0)[sc]
    order = np.lexsort((t, sc))
    sc, t = sc[order], t[order]
    lo, hi = act["iot_heartbeats"]
    beats = rng.integers(lo, hi + 1, len(sc))
    bind = pop.identified[person[sc]] & np.r_[True, sc[1:] != sc[:-1]]
    n_rows = beats + bind
    sid = np.repeat(np.arange(len(sc)), n_rows)
    starts = np.r_[0, np.cumsum(n_rows)[:-1]]
    within = np.arange(len(sid)) - starts[sid]
    kind = np.full(len(sid), fr.T_HEARTBEAT, dtype=np.int8)
    kind[starts[bind]] = fr.IDENTIFY
    # one heartbeat every ~5 minutes while the device is in use
    ts = (cfg.start_ms + (t[sid] * DAY_MS).astype(np.int64) + within * 300_000
          + rng.integers(0, 20_000, len(sid)))
    c = clients[sc[sid]]
    p = person[sc[sid]]
    battery = np.clip(100 - within * 3 - rng.integers(0, 30, len(sid)), 5, 100)
    f = fr.empty(len(sid), person=p, client=c, session=first_session + sid, channel=IOT,
                 kind=kind, ts=ts, tz_utc=True,
                 user=np.where(pop.identified[p], p, -1),
                 battery=np.where(kind == fr.T_HEARTBEAT, battery, -1))
    return fr.take(f, np.flatnonzero(ts < cfg.end_ms))
