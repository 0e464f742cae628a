"""The pipeline: people -> journeys -> traps -> files -> truth."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from orchestration.sample_data import frame as fr
from orchestration.sample_data.backoffice import build_offline_rows, build_server_rows
from orchestration.sample_data.catalog import build_catalog, build_pages
from orchestration.sample_data.config import GeneratorConfig, load_profile
from orchestration.sample_data.crm import person_activity, write_consent, write_crm
from orchestration.sample_data.devices import build_iot_rows
from orchestration.sample_data.fraud import build_fraud_rows
from orchestration.sample_data.identities import build_identities
from orchestration.sample_data.journeys import assign_logins, build_session_rows, plan_sessions
from orchestration.sample_data.layout import arrange
from orchestration.sample_data.orders import Orders
from orchestration.sample_data.people import OFFLINE, build_population
from orchestration.sample_data.render import Renderer
from orchestration.sample_data.traps import apply_traps
from orchestration.sample_data.truth import TruthWriter
from orchestration.sample_data.writers import write_event_files

# back-office events (refunds, upgrades, store sales) as a share of good events, measured on the
# default profile; sessions are sized for what devices, fraud and back office leave over
BACKOFFICE_SHARE = 0.005
FRAUD_MAX_SHARE = 0.03
TRUTH_FILES = ("identifiers.csv", "persons.csv", "bad_rows.csv", "fraud_bursts.csv",
               "experiment.csv", "event_names.csv", "manifest.json")


@dataclass
class GenerationResult:
    out_dir: Path
    truth_dir: Path
    event_files: list[Path]
    crm_file: Path
    consent_file: Path
    truth_files: dict[str, Path]
    lines: int
    good_events: int
    duplicates: int
    bad_rows: int
    persons: int
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


def _clean(cfg: GeneratorConfig) -> None:
    # only what this generator writes: a rerun must not leave files of an earlier run behind
    events = cfg.out_dir / "events"
    if events.is_dir():
        for p in events.glob("events_*"):
            p.unlink()
    for name in TRUTH_FILES:
        (cfg.resolved_truth_dir / name).unlink(missing_ok=True)


def generate(cfg: GeneratorConfig) -> GenerationResult:
    started = time.perf_counter()
    timings: dict[str, float] = {}
    mark = started
    cpu_mark = os.times()

    def lap(name: str) -> None:
        # wall seconds per stage, and CPU seconds (user, system) of the process beside them
        nonlocal mark, cpu_mark
        now, cpu = time.perf_counter(), os.times()
        timings[name] = round(now - mark, 3)
        timings[f"{name}_user"] = round(cpu.user - cpu_mark.user, 3)
        timings[f"{name}_sys"] = round(cpu.system - cpu_mark.system, 3)
        mark, cpu_mark = now, cpu

    profile = load_profile(cfg.profile_path)
    catalog = build_catalog(cfg, profile)
    pages = build_pages(catalog, profile)
    pop = build_population(cfg, profile, catalog)
    coupons = profile["funnel"]["coupons"]
    orders = Orders(
        coupon_kind=np.array([0 if v[0] == "amount" else 1 for v in coupons.values()]),
        coupon_value=np.array([int(v[1]) for v in coupons.values()], dtype=np.int64),
    )
    traps = profile["traps"]
    good_target = cfg.events / (1 + traps["duplicate_share"] + traps["bad_row_share"])
    # devices and fraud first: sessions fill what they leave of the budget
    iot = build_iot_rows(cfg, profile, pop, first_session=0)
    next_session = int(iot["session"].max(initial=-1)) + 1
    fraud_rows, bursts = build_fraud_rows(cfg, profile, pop, catalog, orders, next_session,
                                          budget=int(good_target * FRAUD_MAX_SHARE))
    first_session = int(fraud_rows["session"].max(initial=next_session - 1)) + 1
    session_target = (good_target * (1 - BACKOFFICE_SHARE) - fr.size(iot) - fr.size(fraud_rows))
    sess = plan_sessions(cfg, profile, pop, pages, int(session_target))
    assign_logins(cfg, pop, sess)
    srows = build_session_rows(cfg, profile, pop, catalog, pages, sess, orders)
    srows.frame["session"] += first_session
    offline = build_offline_rows(cfg, profile, pop, catalog, orders)
    server = build_server_rows(cfg, profile, pop, orders)
    f = fr.concat([srows.frame, iot, fraud_rows, offline, server])
    del srows, iot, fraud_rows, offline, server
    lap("simulate")
    f = apply_traps(cfg, profile, pop, f)
    f, files = arrange(cfg, f)
    lap("traps_and_layout")

    _clean(cfg)
    ids = build_identities(cfg, pop)
    renderer = Renderer(cfg, profile, pop, catalog, pages, ids, orders, f)
    lap("render_tables")
    written = write_event_files(renderer, files, cfg.out_dir / "events")
    del renderer
    lap("write_events")

    act = person_activity(pop, f)
    offline_buyers = np.zeros(pop.n, dtype=bool)
    offline_buyers[f["person"][f["channel"] == OFFLINE]] = True
    crm = write_crm(cfg, profile, pop, ids, act, offline_buyers)
    consent = write_consent(cfg, profile, pop, ids, act)
    lap("crm_consent")

    truth = TruthWriter(cfg, profile, pop, catalog, ids, orders, f, files, act)
    id_counts = truth.identifiers(crm)
    bad_counts = truth.bad_rows()
    n_bursts = truth.fraud(bursts)
    experiment = truth.experiment()
    sloppy = truth.event_names()
    truth.persons(crm, consent)
    good = int((f["bad"] == 0).sum())
    summary = {
        "bad_rows_by_reason": {k: v for k, v in bad_counts.items()
                               if k != "duplicate_message_id"},
        "persons": pop.n,
        "persons_with_events": int((act.n_events > 0).sum()),
        "clients": pop.n_clients,
        "sessions": int(np.count_nonzero(np.bincount(f["session"][f["session"] >= 0]))),
        "orders": int(((f["kind"] == fr.T_PURCHASE) & (f["bad"] == 0)).sum()),
        "fraud_bursts": n_bursts,
        "unnormalised_event_names": sloppy,
        "identifiers_by_type": id_counts,
        "crm_customers": crm.rows,
        "consent_rows": consent.rows,
        "experiment": experiment,
    }
    truth.manifest(written, summary)
    lap("truth")
    truth_dir = cfg.resolved_truth_dir
    return GenerationResult(
        out_dir=cfg.out_dir,
        truth_dir=truth_dir,
        event_files=[cfg.out_dir / "events" / w.name for w in written],
        crm_file=crm.path,
        consent_file=consent.path,
        truth_files={name: truth_dir / name for name in TRUTH_FILES},
        lines=fr.size(f),
        good_events=good,
        duplicates=int((f["bad"] == fr.DUPLICATE).sum()),
        bad_rows=int(((f["bad"] > 0) & (f["bad"] != fr.DUPLICATE)).sum()),
        persons=pop.n,
        seconds=round(time.perf_counter() - started, 3),
        timings=timings,
    )
