"""Events no browser sends: server-side refunds and membership upgrades, store (POS) purchases."""

from __future__ import annotations

import numpy as np

from orchestration.sample_data import frame as fr
from orchestration.sample_data.catalog import Catalog
from orchestration.sample_data.config import CHINA_OFFSET_MS, DAY_MS, GeneratorConfig, Profile
from orchestration.sample_data.orders import Orders
from orchestration.sample_data.people import OFFLINE, SERVER, Population

LEVELS = ["silver", "gold", "platinum"]
HOUR_MS = 3_600_000


def _before_churn(cfg: GeneratorConfig, pop: Population, person: np.ndarray,
                  ts: np.ndarray) -> np.ndarray:
    churn = pop.churn[person]
    limit = np.where(np.isnan(churn), cfg.end_ms, cfg.start_ms + np.nan_to_num(churn) * DAY_MS)
    return (ts < limit) & (ts < cfg.end_ms)


def build_offline_rows(cfg: GeneratorConfig, profile: Profile, pop: Population, catalog: Catalog,
                       orders: Orders) -> fr.Frame:
    rng = np.random.default_rng([cfg.seed, 6, 3])
    spec = profile["backoffice"]
    buyers = np.flatnonzero(pop.identified & ~pop.segments["fraud"]
                            & (rng.random(pop.n) < spec["offline_buyer_share"]))
    person = np.repeat(buyers, rng.integers(1, 3, len(buyers)))
    day = np.floor(rng.random(len(person)) * cfg.days)
    tod = (10 + rng.random(len(person)) * 11) * HOUR_MS  # store hours, local time
    ts = (cfg.start_ms + day * DAY_MS + tod - CHINA_OFFSET_MS).astype(np.int64)
    ok = _before_churn(cfg, pop, person, ts) & (ts >= cfg.start_ms)
    person, ts = person[ok], ts[ok]
    product = catalog.pick(rng, pop.cat1[person].astype(np.int64),
                           pop.band[person].astype(np.int64))
    qty = 1 + (rng.random(len(person)) < 0.2)
    store = rng.integers(0, len(spec["stores"]), len(person))
    idx = orders.add(person=person, product=product, qty=qty, store=store, ts=ts)
    return fr.empty(len(person), person=person, channel=OFFLINE, kind=fr.T_PURCHASE, ts=ts,
                    user=person, product=product, category=catalog.product_category[product],
                    qty=qty, order=idx)


def build_server_rows(cfg: GeneratorConfig, profile: Profile, pop: Population,
                      orders: Orders) -> fr.Frame:
    rng = np.random.default_rng([cfg.seed, 6, 4])
    spec = profile["backoffice"]
    o_person = orders.col("person").astype(np.int64)
    o_ts = orders.col("ts").astype(np.int64)
    o_store = orders.col("store").astype(np.int64)
    o_product = orders.col("product").astype(np.int64)
    # refunds of online orders, one hour to a week later
    fraud = pop.segments["fraud"][o_person] if len(o_person) else np.zeros(0, dtype=bool)
    refund = np.flatnonzero((rng.random(len(o_ts)) < spec["refund_share"]) & (o_store < 0)
                            & ~fraud & (o_ts >= 0))
    r_ts = o_ts[refund] + rng.integers(HOUR_MS, 7 * DAY_MS, len(refund))
    ok = _before_churn(cfg, pop, o_person[refund], r_ts)
    refund, r_ts = refund[ok], r_ts[ok]
    refunds = fr.empty(len(refund), person=o_person[refund], channel=SERVER, kind=fr.T_REFUND,
                       ts=r_ts, user=o_person[refund], order=refund, product=o_product[refund],
                       tz_utc=True)
    # upgrades: high-value persons after their second order, and a few others at random
    online = np.flatnonzero((o_store < 0) & (o_ts >= 0))
    order = online[np.lexsort((o_ts[online], o_person[online]))]
    op = o_person[order]
    first = np.r_[True, op[1:] != op[:-1]] if len(op) else np.zeros(0, dtype=bool)
    nth = np.arange(len(op)) - np.maximum.accumulate(np.where(first, np.arange(len(op)), 0))
    second = order[(nth == 1) & pop.segments["high_value"][op]] if len(op) else order
    u_person = o_person[second]
    u_ts = o_ts[second] + rng.integers(60_000, HOUR_MS, len(second))
    u_level = rng.integers(1, 3, len(second))
    extra = np.flatnonzero(pop.identified & (rng.random(pop.n) < spec["membership_random_share"]))
    e_ts = cfg.start_ms + (rng.random(len(extra)) * cfg.days * DAY_MS).astype(np.int64)
    person = np.concatenate([u_person, extra])
    ts = np.concatenate([u_ts, e_ts])
    level = np.concatenate([u_level, np.zeros(len(extra), dtype=np.int64)])
    ok = _before_churn(cfg, pop, person, ts)
    upgrades = fr.empty(int(ok.sum()), person=person[ok], channel=SERVER,
                        kind=fr.T_MEMBERSHIP, ts=ts[ok], user=person[ok], level=level[ok],
                        tz_utc=True)
    return fr.concat([refunds, upgrades])
