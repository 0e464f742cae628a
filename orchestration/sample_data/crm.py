"""Side files beside the events: the CRM customer export and the consent log."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from orchestration.sample_data import frame as fr
from orchestration.sample_data.config import (
    CHINA_OFFSET_MS,
    DAY_MS,
    GeneratorConfig,
    Profile,
    weights,
)
from orchestration.sample_data.encode import (
    arrow_index,
    flags_to_bits,
    iso_strings,
    mask_labels,
    write_csv,
)
from orchestration.sample_data.identities import Identities
from orchestration.sample_data.people import APP, IOT, MP, WEB, Population

CRM_HEADER = ["customer_id", "user_id", "phone", "email", "name", "member_level", "tags",
              "created_at", "updated_at"]
CONSENT_HEADER = ["identifier_type", "identifier_value", "purpose", "action", "requested_at"]


def _strings(values: list[str | None]) -> pa.Array:
    return pa.array(values, type=pa.string())


@dataclass
class PersonActivity:
    """What the emitted events say about each person (good events only)."""

    n_events: np.ndarray
    first_ts: np.ndarray  # -1 without events
    last_ts: np.ndarray
    first_user_ts: np.ndarray  # first event carrying the person's user_id, -1 if none
    client_seen: np.ndarray  # per client: has good events
    n_clients: np.ndarray  # own clients with events, per person
    first_client: np.ndarray  # lowest own client with events, -1 if none


def person_activity(pop: Population, f: fr.Frame) -> PersonActivity:
    good = f["bad"] == 0
    person = f["person"][good]
    ts = f["ts"][good]
    n_events = np.bincount(person, minlength=pop.n)
    first = np.full(pop.n, np.iinfo(np.int64).max)
    last = np.full(pop.n, -1, dtype=np.int64)
    np.minimum.at(first, person, ts)
    np.maximum.at(last, person, ts)
    first[n_events == 0] = -1
    user = f["user"][good]
    has_user = user >= 0
    first_user = np.full(pop.n, np.iinfo(np.int64).max)
    np.minimum.at(first_user, user[has_user], ts[has_user])
    first_user[first_user == np.iinfo(np.int64).max] = -1
    c = f["client"][good]
    own = (c >= 0) & (pop.c_person[np.maximum(c, 0)] == person)
    seen = np.bincount(c[own], minlength=pop.n_clients) > 0
    owned = np.flatnonzero(seen & (pop.c_person >= 0))
    n_clients = np.bincount(pop.c_person[owned], minlength=pop.n)
    first_client = np.full(pop.n, np.iinfo(np.int64).max)
    np.minimum.at(first_client, pop.c_person[owned], owned)
    first_client[first_client == np.iinfo(np.int64).max] = -1
    return PersonActivity(n_events=n_events, first_ts=first, last_ts=last,
                          first_user_ts=first_user, client_seen=seen, n_clients=n_clients,
                          first_client=first_client)


@dataclass
class CrmResult:
    path: Path
    rows: int
    level: pa.Array  # per person, null outside the CRM


def write_crm(cfg: GeneratorConfig, profile: Profile, pop: Population, ids: Identities,
              act: PersonActivity, offline_buyers: np.ndarray) -> CrmResult:
    rng = cfg.rng("crm")
    spec = profile["crm"]
    n = pop.n
    levels, lp = weights(spec["member_levels"])
    level_idx = rng.choice(len(levels), n, p=lp)
    high = pop.segments["high_value"]
    level_idx[high] = np.where(rng.random(int(high.sum())) < 0.6, levels.index("gold"),
                               levels.index("platinum"))
    tag_names = ["vip", *spec["tags"]]
    tag_flags = [high] + [rng.random(n) < spec["tags"][t] for t in spec["tags"]]
    if "store_member" in tag_names:  # store buyers are store members
        i = tag_names.index("store_member")
        tag_flags[i] = tag_flags[i] | offline_buyers
    created_before = rng.integers(30, 1200, n)
    tod = rng.integers(9 * 3600, 22 * 3600, n) * 1000
    touch = rng.random(n)
    # accounts opened during the window enter the CRM at sign-up
    joined = pop.new_signup & (act.first_user_ts > 0)
    created = np.where(joined, act.first_user_ts,
                       cfg.start_ms - created_before * DAY_MS + tod - CHINA_OFFSET_MS)
    updated = created + (touch * np.maximum(cfg.end_ms - created, 0)).astype(np.int64)
    rows = np.flatnonzero(pop.in_crm)
    level = pa.array(np.array(levels)[level_idx], type=pa.string())
    level = pa.array(np.where(pop.in_crm, level.to_numpy(zero_copy_only=False), None),
                     type=pa.string())
    idx = pa.array(rows)
    table = pa.table({
        "customer_id": ids.customer.take(idx),
        "user_id": ids.user.take(arrow_index(np.where(pop.identified[rows], rows, -1))),
        "phone": _strings(ids.phone_crm).take(idx),
        "email": _strings(ids.email_crm).take(idx),
        "name": _strings(ids.name).take(idx),
        "member_level": level.take(idx),
        "tags": mask_labels(flags_to_bits(*tag_flags)[rows], tag_names),
        "created_at": iso_strings(created[rows], "+08:00", CHINA_OFFSET_MS, seconds=True),
        "updated_at": iso_strings(updated[rows], "+08:00", CHINA_OFFSET_MS, seconds=True),
    })
    path = cfg.out_dir / "crm_customers" / "customers.csv"
    write_csv(table, path)
    return CrmResult(path=path, rows=len(rows), level=level)


@dataclass
class ConsentResult:
    path: Path
    rows: int
    analytics: pa.Array  # per person: granted / withdrawn / null
    marketing: pa.Array
    erased_by: pa.Array  # identifier type used for an erasure request, null if none


def _erasure_identifiers(pop: Population, ids: Identities, act: PersonActivity,
                         p: int) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if act.first_user_ts[p] >= 0:
        out.append(("user_id", ids.user[p].as_py()))
    for c in np.flatnonzero((pop.c_person == p) & act.client_seen).tolist():
        ch = pop.c_channel[c]
        if ch in (WEB, APP, MP):
            out.append(("anonymous_id", ids.anon[c].as_py()))
        if ch in (APP, IOT):
            out.append(("device_id", ids.device[c].as_py()))
        if ch == MP:
            out.append(("openid", ids.openid[c].as_py()))
    if pop.in_crm[p]:
        if ids.phone_crm[p]:
            out.append(("phone", ids.phone_crm[p]))
        if ids.email_crm[p]:
            out.append(("email", ids.email_crm[p]))
        out.append(("crm_customer_id", ids.customer[p].as_py()))
    return out


def write_consent(cfg: GeneratorConfig, profile: Profile, pop: Population, ids: Identities,
                  act: PersonActivity) -> ConsentResult:
    rng = cfg.rng("consent")
    spec = profile["consent"]
    n = pop.n
    u = rng.random((n, 6))
    end = cfg.end_ms
    parts: list[tuple[np.ndarray, str | np.ndarray, pa.Array, str, str]] = []
    analytics = np.full(n, None, dtype=object)
    marketing = np.full(n, None, dtype=object)
    erased_by = np.full(n, None, dtype=object)

    # logged-in persons accept everything at their first login
    users = np.flatnonzero(act.first_user_ts >= 0)
    t0 = act.first_user_ts
    parts.append((t0[users], "user_id", ids.user.take(pa.array(users)), "all", "grant"))
    analytics[users] = marketing[users] = "granted"
    # a few withdraw marketing, by account, email or phone as they typed it
    wm = users[u[users, 0] < spec["withdraw_marketing_share"]]
    t = t0[wm] + (u[wm, 1] * (end - t0[wm])).astype(np.int64)
    how = u[wm, 2]
    email = pa.array(ids.email_traits, type=pa.string()).take(pa.array(wm))
    phone = pa.array(ids.phone_traits, type=pa.string()).take(pa.array(wm))
    by_email = (how < 0.25) & pop.has_email[wm] & email.is_valid().to_numpy(zero_copy_only=False)
    by_phone = (~by_email & (how < 0.5) & pop.has_phone[wm]
                & phone.is_valid().to_numpy(zero_copy_only=False))
    by_user = ~by_email & ~by_phone
    for mask, kind, values in ((by_email, "email", email), (by_phone, "phone", phone),
                               (by_user, "user_id", ids.user.take(pa.array(wm)))):
        parts.append((t[mask], kind, values.filter(pa.array(mask)), "marketing", "withdraw"))
    marketing[wm] = "withdrawn"
    wa = users[u[users, 3] < spec["withdraw_analytics_share"]]
    t = t0[wa] + (u[wa, 4] * (end - t0[wa])).astype(np.int64)
    parts.append((t, "user_id", ids.user.take(pa.array(wa)), "analytics", "withdraw"))
    analytics[wa] = "withdrawn"
    # some anonymous visitors accept the cookie banner for analytics
    fc = act.first_client
    grey = np.flatnonzero((act.n_events > 0) & (t0 < 0) & (fc >= 0)
                          & (u[:, 5] < spec["grey_analytics_grant_share"]))
    grey = grey[np.isin(pop.c_channel[fc[grey]], [WEB, APP, MP])]
    parts.append((act.first_ts[grey], "anonymous_id", ids.anon.take(pa.array(fc[grey])),
                  "analytics", "grant"))
    analytics[grey] = "granted"
    # a handful of erasure requests, each keyed by whichever identifier the person used
    k = max(3, round(n / spec["erase_per_persons"]))
    pool = np.flatnonzero(act.n_events > 0)
    er_t, er_kind, er_value = [], [], []
    for p in np.sort(rng.choice(pool, size=min(k, len(pool)), replace=False)).tolist():
        options = _erasure_identifiers(pop, ids, act, p)
        kind, value = options[int(rng.integers(len(options)))]
        span = max(end - act.first_ts[p], 1)
        er_t.append(int(act.first_ts[p]) + int(rng.random() * span))
        er_kind.append(kind)
        er_value.append(value)
        erased_by[p] = kind
    parts.append((np.array(er_t, dtype=np.int64), np.array(er_kind, dtype=object),
                  pa.array(er_value, type=pa.string()), "all", "erase"))

    ts = np.concatenate([p[0] for p in parts]).astype(np.int64)
    kinds = np.concatenate([np.full(len(p[0]), p[1], dtype=object) if isinstance(p[1], str)
                            else p[1] for p in parts])
    values = pa.concat_arrays([p[2] for p in parts])
    purpose = np.concatenate([np.full(len(p[0]), p[3], dtype=object) for p in parts])
    action = np.concatenate([np.full(len(p[0]), p[4], dtype=object) for p in parts])
    order = np.lexsort((np.arange(len(ts)), ts))
    table = pa.table({
        "identifier_type": pa.array(kinds[order], type=pa.string()),
        "identifier_value": values.take(pa.array(order)),
        "purpose": pa.array(purpose[order], type=pa.string()),
        "action": pa.array(action[order], type=pa.string()),
        "requested_at": iso_strings(ts[order]),
    })
    path = cfg.out_dir / "consent" / "consent.csv"
    write_csv(table, path)
    return ConsentResult(path=path, rows=len(ts), analytics=pa.array(analytics, type=pa.string()),
                         marketing=pa.array(marketing, type=pa.string()),
                         erased_by=pa.array(erased_by, type=pa.string()))
