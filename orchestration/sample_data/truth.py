"""Ground truth: who is who, what was planted, which lines are bad. Read by tests, never models."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.sample_data import frame as fr
from orchestration.sample_data.catalog import Catalog
from orchestration.sample_data.config import DAY_MS, GeneratorConfig, Profile
from orchestration.sample_data.crm import ConsentResult, CrmResult, PersonActivity
from orchestration.sample_data.encode import (
    arrow_index,
    concat_bytes,
    digits_bytes,
    fixed_to_arrow,
    flags_to_bits,
    iso_ms_bytes,
    iso_strings,
    mask_labels,
    uuid_bytes,
    write_csv,
)
from orchestration.sample_data.fraud import BURST_KINDS, Bursts
from orchestration.sample_data.identities import Identities
from orchestration.sample_data.layout import EventFile
from orchestration.sample_data.orders import Orders
from orchestration.sample_data.people import (
    APP,
    CHANNELS,
    IOT,
    JUNK_ANON,
    JUNK_DEVICE,
    JUNK_FIELDS,
    JUNK_UNIONID,
    JUNK_USER,
    MP,
    SEGMENTS,
    SHARED_KINDS,
    WEB,
    Population,
)
from orchestration.sample_data.render import (
    MESSAGE_ID_DOMAIN,
    Money,
    name_variants,
    traits_present,
)
from orchestration.sample_data.writers import WrittenFile

IDENTIFIER_HEADER = ["identifier_type", "identifier_value", "person_key", "kind"]


def person_keys(n: int) -> pa.Array:
    width = max(6, len(str(n)))
    return fixed_to_arrow(concat_bytes("P", digits_bytes(np.arange(n), width)))


def _write_rows(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _present(values: np.ndarray, size: int) -> np.ndarray:
    """Sorted distinct non-negative ints of values, by counting (values are small ids)."""
    return np.flatnonzero(np.bincount(values, minlength=size) > 0)


def _const(value: str, n: int) -> pa.Array:
    return pa.array([value], type=pa.string()).take(pa.array(np.zeros(n, dtype=np.int64)))


class TruthWriter:
    def __init__(self, cfg: GeneratorConfig, profile: Profile, pop: Population,
                 catalog: Catalog, ids: Identities, orders: Orders, f: fr.Frame,
                 files: list[EventFile], act: PersonActivity) -> None:
        self.cfg, self.profile, self.pop, self.catalog = cfg, profile, pop, catalog
        self.ids, self.orders, self.f, self.files, self.act = ids, orders, f, files, act
        self.dir = cfg.resolved_truth_dir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.keys = person_keys(pop.n)
        self.good = f["bad"] == 0

    # --- identifiers.csv ------------------------------------------------------------------------
    def identifiers(self, crm: CrmResult) -> dict[str, int]:
        pop, ids, f, good = self.pop, self.ids, self.f, self.good
        client = f["client"]
        has = good & (client >= 0)
        cl = np.maximum(client, 0)
        jf = np.where(has & (f["junk"] > 0), pop.c_junk_field[cl], 0)
        ch = f["channel"]
        tables: list[pa.Table] = []

        def add(kind: str, values: pa.Array, owner: np.ndarray, label: np.ndarray) -> None:
            tables.append(pa.table({
                "identifier_type": _const(kind, len(owner)),
                "identifier_value": values,
                "person_key": self.keys.take(arrow_index(owner)),
                "kind": pa.array(label, type=pa.string()),
            }))

        def client_ids(kind: str, mask: np.ndarray, values: pa.Array) -> None:
            c = _present(client[mask], pop.n_clients)
            owner = pop.c_person[c]
            add(kind, values.take(pa.array(c)), owner,
                np.where(owner >= 0, "person", "shared"))

        client_ids("anonymous_id", has & np.isin(ch, [WEB, APP, MP]) & (jf != JUNK_ANON), ids.anon)
        client_ids("device_id", has & np.isin(ch, [APP, IOT]) & (jf != JUNK_DEVICE), ids.device)
        client_ids("openid", has & (ch == MP), ids.openid)

        def person_ids(kind: str, persons: np.ndarray, values: pa.Array) -> None:
            p = _present(persons, pop.n)
            add(kind, values.take(pa.array(p)), p, np.full(len(p), "person"))

        crm_people = np.flatnonzero(pop.in_crm)
        user_rows = good & (f["user"] >= 0)
        person_ids("user_id", np.concatenate([f["user"][user_rows],
                                              crm_people[pop.identified[crm_people]]]), ids.user)
        t_rows = np.flatnonzero(good & (f["traits"] > 0))
        t_person = f["person"][t_rows]
        _, t_phone, t_email = traits_present(pop, t_person, f["traits"][t_rows])
        phone_crm = pa.array(ids.phone_crm, type=pa.string()).is_valid().to_numpy(
            zero_copy_only=False)
        email_crm = pa.array(ids.email_crm, type=pa.string()).is_valid().to_numpy(
            zero_copy_only=False)
        phones = pa.array([None if d is None else "+86" + d for d in ids.phone_digits],
                          type=pa.string())
        person_ids("phone", np.concatenate([t_person[t_phone],
                                            crm_people[phone_crm[crm_people]]]), phones)
        person_ids("email", np.concatenate([t_person[t_email],
                                            crm_people[email_crm[crm_people]]]),
                   pa.array(ids.email, type=pa.string()))
        person_ids("crm_customer_id", crm_people, ids.customer)
        union_rows = has & f["unionid"] & (jf != JUNK_UNIONID)
        person_ids("unionid", pop.c_person[client[union_rows]], ids.unionid)

        junk_rows = np.flatnonzero(good & (f["junk"] > 0))
        junk_values = list(self.profile["traps"]["junk_values"])
        pairs = _present(jf[junk_rows] * 16 + f["junk"][junk_rows] - 1, 16 * len(JUNK_FIELDS))
        field_type = {JUNK_ANON: "anonymous_id", JUNK_USER: "user_id", JUNK_DEVICE: "device_id",
                      JUNK_UNIONID: "unionid"}
        tables.append(pa.table({
            "identifier_type": pa.array([field_type[int(a // 16)] for a in pairs], pa.string()),
            "identifier_value": pa.array([junk_values[int(a % 16)] for a in pairs], pa.string()),
            "person_key": pa.array([None] * len(pairs), type=pa.string()),
            "kind": pa.array(["junk"] * len(pairs), type=pa.string()),
        }))
        table = pa.concat_tables(tables)
        write_csv(table, self.dir / "identifiers.csv")
        counts = pc.value_counts(table.column("identifier_type").combine_chunks()).to_pylist()
        return {d["values"]: d["counts"] for d in sorted(counts, key=lambda d: d["values"])}

    # --- bad_rows.csv ---------------------------------------------------------------------------
    def bad_rows(self) -> dict[str, int]:
        f = self.f
        rows = np.flatnonzero(f["bad"] > 0)
        starts = np.array([ef.start for ef in self.files])
        which = np.searchsorted(starts, rows, side="right") - 1
        reason = f["bad"][rows]
        missing = reason == fr.BAD_REASONS.index("missing_message_id")
        table = pa.table({
            "source_file": pa.array([ef.name for ef in self.files]).take(pa.array(which)),
            "line_number": rows - starts[which] + 1,
            "message_id": fixed_to_arrow(uuid_bytes(self.cfg.seed, MESSAGE_ID_DOMAIN,
                                                    f["uid"][rows]), valid=~missing),
            "reason": pa.array(fr.BAD_REASONS).take(pa.array(reason.astype(np.int64))),
        })
        write_csv(table, self.dir / "bad_rows.csv")
        counts = np.bincount(reason, minlength=len(fr.BAD_REASONS))
        return {fr.BAD_REASONS[i]: int(counts[i]) for i in range(1, len(fr.BAD_REASONS))}

    # --- fraud_bursts.csv -----------------------------------------------------------------------
    def fraud(self, bursts: Bursts) -> int:
        ids, pop = self.ids, self.pop
        rows = []
        for p, c, kind, start, end, n in zip(bursts.person.tolist(), bursts.client.tolist(),
                                             bursts.kind.tolist(), bursts.start.tolist(),
                                             bursts.end.tolist(), bursts.n_events.tolist(),
                                             strict=True):
            if start >= self.cfg.end_ms:
                continue
            ch = pop.c_channel[c]
            id_type, values = {WEB: ("anonymous_id", ids.anon), APP: ("device_id", ids.device),
                               MP: ("openid", ids.openid)}[int(ch)]
            rows.append([self.keys[p].as_py(), CHANNELS[ch], id_type, values[c].as_py(),
                         BURST_KINDS[kind], iso_utc(start),
                         iso_utc(min(end, self.cfg.end_ms - 1)), n])
        _write_rows(self.dir / "fraud_bursts.csv",
                    ["person_key", "channel", "client_id_type", "client_id", "kind", "start", "end",
                     "n_events"], rows)
        return len(rows)

    # --- experiment.csv -------------------------------------------------------------------------
    def experiment(self) -> dict[str, Any]:
        f, pop, good = self.f, self.pop, self.good
        exp = np.flatnonzero(good & (f["kind"] == fr.T_EXPOSURE))
        person = f["person"][exp]
        first = np.full(pop.n, np.iinfo(np.int64).max)
        np.minimum.at(first, person, f["ts"][exp])
        seen = np.zeros((pop.n, 2), dtype=bool)
        seen[person, f["variant"][exp]] = True
        n_exp = np.bincount(person, minlength=pop.n)
        buy = np.flatnonzero(good & (f["kind"] == fr.T_PURCHASE) & (f["session"] >= 0)
                             & (f["order"] >= 0))
        converted = np.zeros(pop.n, dtype=bool)
        bp = f["person"][buy]
        converted[bp[f["ts"][buy] >= first[bp]]] = True
        variants = self.profile["experiment"]["variants"]
        p = np.flatnonzero(n_exp > 0)
        both = seen[p].all(axis=1)
        write_csv(pa.table({
            "person_key": self.keys.take(pa.array(p)),
            "variant": pa.array(variants, type=pa.string()).take(
                pa.array(pop.variant[p].astype(np.int64))),
            "exposed_both": both,
            "first_exposure_at": iso_strings(first[p]),
            "n_exposures": n_exp[p],
            "converted_after_exposure": converted[p],
        }), self.dir / "experiment.csv")
        stats = {}
        for i, v in enumerate(variants):
            sel = pop.variant[p] == i
            stats[v] = (int(sel.sum()), int(converted[p][sel].sum()))
        rates = {v: (c / n if n else 0.0) for v, (n, c) in stats.items()}
        return {
            "id": self.profile["experiment"]["id"],
            "exposed": {v: n for v, (n, _) in stats.items()},
            "converted": {v: c for v, (_, c) in stats.items()},
            "conversion_rate": rates,
            "realised_relative_lift": (rates[variants[1]] / rates[variants[0]] - 1
                                       if rates[variants[0]] else None),
            "exposed_both": int(both.sum()),
            "planted_purchase_lift": self.profile["experiment"]["purchase_lift"],
        }

    # --- event_names.csv ------------------------------------------------------------------------
    def event_names(self) -> int:
        f = self.f
        track = self.good & (f["kind"] >= fr.T_SEARCH) & (f["kind"] <= fr.T_HEARTBEAT)
        key = f["kind"][track].astype(np.int64) * 8 + f["name_variant"][track]
        counts = np.bincount(key, minlength=len(fr.KINDS) * 8)
        rows = []
        for k in np.flatnonzero(counts).tolist():
            name = fr.KINDS[k // 8][1]
            rows.append([name_variants(name)[k % 8], name, int(counts[k])])
        _write_rows(self.dir / "event_names.csv", ["raw_event", "event", "events"], rows)
        return sum(r[2] for r in rows if r[0] != r[1])

    # --- persons.csv ----------------------------------------------------------------------------
    def persons(self, crm: CrmResult, consent: ConsentResult) -> None:
        pop, f, good, act = self.pop, self.f, self.good, self.act
        n = pop.n
        person = f["person"][good]
        sid = f["session"][good]
        in_session = sid >= 0
        # a session belongs to one person: the owner of any of its rows
        owner = np.full(int(sid.max(initial=-1)) + 1, -1, dtype=np.int64)
        owner[sid[in_session]] = person[in_session]
        n_sessions = np.bincount(owner[owner >= 0], minlength=n)
        buy = good & (f["kind"] == fr.T_PURCHASE) & (f["order"] >= 0)
        n_orders = np.bincount(f["person"][buy], minlength=n)
        _, _, revenue = self.orders.amounts(self.catalog)
        rev = np.bincount(f["person"][buy], weights=revenue[f["order"][buy]], minlength=n)
        ex = good & (f["kind"] == fr.T_EXPOSURE)
        seen = np.zeros((n, 2), dtype=bool)
        seen[f["person"][ex], f["variant"][ex]] = True
        channels = np.zeros((n, len(CHANNELS)), dtype=bool)
        channels[person, f["channel"][good]] = True
        shared_kind = np.zeros(n, dtype=np.int64)
        shared_kind[pop.share_person] = pop.c_shared[pop.share_client]
        own = pop.c_person >= 0
        junk_sdk = np.zeros(n, dtype=bool)
        junk_sdk[pop.c_person[own & (pop.c_junk_field > 0)]] = True
        late = np.zeros(n, dtype=bool)
        late[f["person"][good & f["late"]]] = True
        trap_names = ["late_merge", "phone_link", *SHARED_KINDS[1:], "junk_sdk", "late_events"]
        trap_bits = flags_to_bits(pop.late_merge, pop.phone_link, shared_kind == 1,
                                  shared_kind == 2, shared_kind == 3, junk_sdk, late)
        seg_bits = flags_to_bits(*[pop.segments[s] for s in SEGMENTS])
        churned = ~np.isnan(pop.churn)
        churn_ms = self.cfg.start_ms + (np.nan_to_num(pop.churn) * DAY_MS).astype(np.int64)
        active = act.n_events > 0
        variants = self.profile["experiment"]["variants"]
        write_csv(pa.table({
            "person_key": self.keys,
            "user_id": self.ids.user.take(arrow_index(np.where(pop.identified, np.arange(n), -1))),
            "is_identified": act.first_user_ts >= 0,
            "has_account": pop.identified,
            "segments": mask_labels(seg_bits, SEGMENTS),
            "churn_date": fixed_to_arrow(iso_ms_bytes(churn_ms)[:, :10], valid=churned),
            "n_clients": act.n_clients,
            "channels": mask_labels(flags_to_bits(*channels.T), CHANNELS),
            "crm_customer_id": self.ids.customer,
            "member_level": crm.level,
            "experiment_variant": pa.array(variants, type=pa.string()).take(
                pa.array(pop.variant.astype(np.int64))),
            "exposed": seen.any(axis=1),
            "exposed_both": seen.all(axis=1),
            "n_sessions": n_sessions,
            "n_events": act.n_events,
            "n_orders": n_orders,
            "revenue": Money(np.round(rev).astype(np.int64), np.ones(n, dtype=bool)).json_text(),
            "first_event_at": iso_strings(np.maximum(act.first_ts, 0), valid=active),
            "last_event_at": iso_strings(np.maximum(act.last_ts, 0), valid=active),
            "primary_category": pa.array(self.catalog.categories, type=pa.string()).take(
                pa.array(pop.cat1.astype(np.int64))),
            "traps": mask_labels(trap_bits, trap_names),
            "consent_analytics": consent.analytics,
            "consent_marketing": consent.marketing,
            "erased_by": consent.erased_by,
        }), self.dir / "persons.csv")

    # --- manifest.json --------------------------------------------------------------------------
    def manifest(self, written: list[WrittenFile], summary: dict[str, Any]) -> Path:
        f, good = self.f, self.good
        per_file = []
        for ef, w in zip(self.files, written, strict=True):
            bad = f["bad"][ef.start:ef.stop]
            per_file.append({
                "name": ef.name, "lines": w.lines, "bytes": w.bytes,
                "good_events": int((bad == 0).sum()),
                "duplicates": int((bad == fr.DUPLICATE).sum()),
                "bad_rows": int(((bad > 0) & (bad != fr.DUPLICATE)).sum()),
            })
        kinds = np.bincount(f["kind"][good], minlength=len(fr.KINDS))
        chans = np.bincount(f["channel"][good], minlength=len(CHANNELS))
        types: dict[str, int] = {}
        for k, n in enumerate(kinds.tolist()):
            typ = fr.KINDS[k][0]
            types[typ] = types.get(typ, 0) + n
        manifest = {
            "generator": "orchestration.sample_data",
            "parameters": {
                "events": self.cfg.events, "days": self.cfg.days, "seed": self.cfg.seed,
                "start_date": self.cfg.start_date.isoformat(), "format": self.cfg.fmt,
            },
            "window": {"start": iso_utc(self.cfg.start_ms), "end": iso_utc(self.cfg.end_ms)},
            "counts": {
                "lines": int(fr.size(f)),
                "good_events": int(good.sum()),
                "duplicates": int((f["bad"] == fr.DUPLICATE).sum()),
                "bad_rows": int(((f["bad"] > 0) & (f["bad"] != fr.DUPLICATE)).sum()),
                "late_events": int((good & f["late"]).sum()),
                "events_by_type": {k: v for k, v in types.items()},
                "events_by_name": {("page_or_screen:" if fr.KINDS[k][0] == "page" else "")
                                   + (fr.KINDS[k][1] or fr.KINDS[k][0]): int(n)
                                   for k, n in enumerate(kinds.tolist())},
                "events_by_channel": {CHANNELS[i]: int(n) for i, n in enumerate(chans.tolist())},
                **summary,
            },
            "files": per_file,
            "profile": self.profile.data,
        }
        path = self.dir / "manifest.json"
        path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                        encoding="utf-8")
        return path



def iso_utc(ms: int) -> str:
    return iso_strings(np.array([ms]))[0].as_py()
