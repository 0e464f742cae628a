"""Fraud bursts: one client firing hundreds of events, or many coupon orders, within minutes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.sample_data import frame as fr
from orchestration.sample_data.catalog import Catalog
from orchestration.sample_data.config import DAY_MS, GeneratorConfig, Profile
from orchestration.sample_data.orders import Orders
from orchestration.sample_data.people import IOT, Population

BURST_KINDS = ["event_spam", "order_burst"]


@dataclass
class Bursts:
    person: np.ndarray
    client: np.ndarray
    kind: np.ndarray
    start: np.ndarray
    end: np.ndarray
    n_events: np.ndarray


def build_fraud_rows(cfg: GeneratorConfig, profile: Profile, pop: Population, catalog: Catalog,
                     orders: Orders, first_session: int, budget: int) -> tuple[fr.Frame, Bursts]:
    """Bursts of the fraud persons, shrunk (never below tens of events) to fit budget rows."""
    rng = np.random.default_rng([cfg.seed, 6, 2])
    spec = profile["fraud"]
    fraudsters = np.flatnonzero(pop.segments["fraud"])
    expected = len(fraudsters) * np.mean(spec["bursts_per_person"]) * np.mean(
        [np.mean(spec["spam_events"]), 3 * np.mean(spec["order_burst_orders"])])
    scale = min(1.0, budget / max(expected, 1.0))
    frames: list[fr.Frame] = []
    rows: list[tuple[int, int, int, int, int, int]] = []
    own = (pop.c_channel != IOT) & (pop.c_person >= 0)
    for p in fraudsters:
        clients = np.flatnonzero(own & (pop.c_person == p))
        lo, hi = spec["bursts_per_person"]
        for _ in range(int(rng.integers(lo, hi + 1))):
            client = int(clients[0])
            kind = int(rng.integers(0, 2))
            end_day = cfg.days if np.isnan(pop.churn[p]) else pop.churn[p]
            t0 = cfg.start_ms + int((pop.arrive[p] + rng.random() * 0.9
                                     * (end_day - pop.arrive[p])) * DAY_MS)
            products = catalog.pick(rng, np.full(1, pop.cat1[p], dtype=np.int64),
                                    np.zeros(1, dtype=np.int64))
            if kind == 0:
                n = max(60, int(rng.integers(*spec["spam_events"]) * scale))
                kinds = rng.choice([fr.T_VIEW_ITEM, fr.T_ADD, fr.T_COUPON], n, p=[0.6, 0.3, 0.1])
                gaps = rng.integers(150, 1200, n)
                prod = catalog.pick(rng, np.full(n, pop.cat1[p], dtype=np.int64),
                                    np.zeros(n, dtype=np.int64))
                order = np.full(n, -1)
                coupon = np.where(kinds == fr.T_COUPON, 0, -1)
                qty = np.where(kinds == fr.T_ADD, 1, 0)
            else:
                k = max(8, int(rng.integers(*spec["order_burst_orders"]) * scale))
                n = 3 * k
                kinds = np.tile([fr.T_ADD, fr.T_BEGIN, fr.T_PURCHASE], k)
                gaps = rng.integers(1000, 5000, n)
                prod = np.repeat(np.full(k, products[0]), 3)
                qty = np.ones(n, dtype=np.int64)
                coupon = np.where(kinds == fr.T_ADD, -1, 0)  # the same new-user coupon, again
                order = np.full(n, -1)
                ts_orders = t0 + np.cumsum(gaps)[2::3]
                order[2::3] = orders.add(person=np.full(k, p), product=np.full(k, products[0]),
                                         qty=np.ones(k, dtype=np.int64),
                                         coupon=np.zeros(k, dtype=np.int64), ts=ts_orders)
            ts = t0 + np.cumsum(gaps)
            frames.append(fr.empty(
                n, person=p, client=client, session=first_session + len(rows),
                channel=pop.c_channel[client], kind=kinds, ts=ts, user=p, product=prod,
                category=catalog.product_category[prod], qty=qty, order=order, coupon=coupon,
                tz_utc=bool(pop.c_tz_utc[client]),
                # a bot on a mini program still logs in through wx.login: unionid on
                unionid=bool(pop.c_auth_rank[client] == 0),
            ))
            rows.append((p, client, kind, int(ts[0]), int(ts[-1]), n))
    arr = np.array(rows, dtype=np.int64).reshape(-1, 6)
    bursts = Bursts(person=arr[:, 0], client=arr[:, 1], kind=arr[:, 2], start=arr[:, 3],
                    end=arr[:, 4], n_events=arr[:, 5])
    frame = fr.concat(frames) if frames else fr.empty(0)
    keep = frame["ts"] < cfg.end_ms
    return fr.take(frame, np.flatnonzero(keep)), bursts
