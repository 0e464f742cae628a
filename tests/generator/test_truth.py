"""Ground truth agrees with the events, and the planted behaviour is really in them."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from tests.generator.checks import JUNK, identifiers, norm_email, norm_phone, parse_ts
from tests.generator.conftest import Dataset


def _identifier_index(ds: Dataset) -> dict[tuple[str, str], dict[str, str]]:
    return {(r["identifier_type"], r["identifier_value"]): r
            for r in ds.truth_rows("identifiers.csv")}


def _person_of(ds: Dataset) -> dict[str, list]:
    """Good events per true person, attributed through person-kind identifiers."""
    index = _identifier_index(ds)
    out: dict[str, list] = defaultdict(list)
    for ln in ds.good():
        keys = {index[i]["person_key"] for i in identifiers(ln.record)
                if index.get(i, {}).get("kind") == "person"}
        if len(keys) == 1:
            out[keys.pop()].append(ln.record)
    return out


def test_every_emitted_identifier_is_in_the_truth(mixed: Dataset) -> None:
    index = _identifier_index(mixed)
    types = Counter()
    for ln in mixed.lines:
        if ln.record is None:
            continue
        for ident in identifiers(ln.record):
            row = index.get(ident)
            assert row is not None, ident
            types[ident[0]] += 1
            assert (row["kind"] == "junk") == (ident[1] in JUNK), (ident, row)
    assert set(types) == {"anonymous_id", "user_id", "device_id", "openid", "unionid", "phone",
                          "email"}
    persons = {r["person_key"] for r in mixed.truth_rows("persons.csv")}
    kinds = Counter()
    for row in index.values():
        kinds[row["kind"]] += 1
        assert (row["person_key"] in persons) == (row["kind"] == "person"), row
    assert kinds["shared"] >= 3 and kinds["junk"] >= 1


def test_crm_identifiers_are_normalised_in_the_truth(mixed: Dataset) -> None:
    index = _identifier_index(mixed)
    with (mixed.out / "crm_customers" / "customers.csv").open(encoding="utf-8") as fh:
        import csv

        rows = list(csv.DictReader(fh))
    assert rows and all(r["customer_id"].startswith("C") for r in rows)
    messy = 0
    for r in rows:
        owner = index[("crm_customer_id", r["customer_id"])]["person_key"]
        if r["phone"]:
            assert index[("phone", norm_phone(r["phone"]))]["person_key"] == owner
            messy += norm_phone(r["phone"]) != r["phone"]
        if r["email"]:
            assert index[("email", norm_email(r["email"]))]["person_key"] == owner
        if r["user_id"]:
            assert index[("user_id", r["user_id"])]["person_key"] == owner
        assert r["member_level"] in {"bronze", "silver", "gold", "platinum"}
    assert messy > len(rows) // 3
    persons = mixed.truth_rows("persons.csv")
    in_crm = sum(1 for p in persons if p["crm_customer_id"])
    assert 0.3 * len(persons) < in_crm < 0.5 * len(persons)


def test_phone_links_reach_accounts_only_through_the_crm(mixed: Dataset) -> None:
    index = _identifier_index(mixed)
    linked = [p for p in mixed.truth_rows("persons.csv") if "phone_link" in p["traps"]]
    assert linked
    for ln in mixed.good():
        traits = ln.record.get("traits") or {}
        if "phone" in traits and "user_id" not in ln.record:
            owner = index[("phone", norm_phone(traits["phone"]))]["person_key"]
            assert owner in {p["person_key"] for p in linked}


def test_consent_log(mixed: Dataset) -> None:
    rows = mixed.truth_rows("persons.csv")
    import csv

    with (mixed.out / "consent" / "consent.csv").open(encoding="utf-8") as fh:
        consent = list(csv.DictReader(fh))
    actions = Counter((r["purpose"], r["action"]) for r in consent)
    assert actions[("all", "grant")] > 0.5 * sum(1 for r in rows if r["is_identified"] == "true")
    assert actions[("marketing", "withdraw")] > 0 and actions[("all", "erase")] >= 3
    assert {r["identifier_type"] for r in consent} <= {
        "user_id", "anonymous_id", "device_id", "openid", "unionid", "phone", "email",
        "crm_customer_id"}
    assert [r["requested_at"] for r in consent] == sorted(r["requested_at"] for r in consent)
    erased = [r for r in rows if r["erased_by"]]
    assert len(erased) == actions[("all", "erase")]


def test_churners_fade_then_stop(mixed: Dataset) -> None:
    events = _person_of(mixed)
    persons = {p["person_key"]: p for p in mixed.truth_rows("persons.csv")}
    early = late = 0
    checked = 0
    for key, p in persons.items():
        if "churner" not in p["segments"] or key not in events:
            continue
        churn = dt.datetime.fromisoformat(p["churn_date"]).replace(tzinfo=dt.UTC)
        times = [parse_ts(r["timestamp"]) for r in events[key]]
        assert max(times) < churn + dt.timedelta(days=1), key
        start = parse_ts(mixed.manifest["window"]["start"])
        middle = start + (churn - start) / 2
        early += sum(t < middle for t in times)
        late += sum(t >= middle for t in times)
        checked += 1
    assert checked >= 10
    assert early > 1.8 * late  # a linear fade puts 3/4 of the activity in the first half
    end = parse_ts(mixed.manifest["window"]["end"])
    churn_dates = [dt.date.fromisoformat(p["churn_date"]) for p in persons.values()
                   if p["churn_date"]]
    assert max(churn_dates) <= (end - dt.timedelta(days=7)).date()


def test_dropouts_reach_checkout_and_never_buy(mixed: Dataset) -> None:
    events = _person_of(mixed)
    dropouts = [p["person_key"] for p in mixed.truth_rows("persons.csv")
                if "near_conversion_dropout" in p["segments"]]
    assert len(dropouts) >= 2
    for key in dropouts:
        names = {r.get("event", "").strip().lower().replace(" ", "_") for r in events[key]}
        assert "begin_checkout" in names or "begincheckout" in names, key
        assert "purchase" not in names, key


def test_high_value_persons_buy_more(mixed: Dataset) -> None:
    persons = mixed.truth_rows("persons.csv")
    high = [float(p["revenue"]) for p in persons if "high_value" in p["segments"]]
    rest = [float(p["revenue"]) for p in persons if "high_value" not in p["segments"]
            and p["n_events"] != "0"]
    assert min(int(p["n_orders"]) for p in persons if "high_value" in p["segments"]) >= 1
    assert sum(high) / len(high) > 3 * sum(rest) / len(rest)


def test_fraud_bursts_are_in_the_events(mixed: Dataset) -> None:
    bursts = mixed.truth_rows("fraud_bursts.csv")
    assert len(bursts) >= 2
    index = _identifier_index(mixed)
    for b in bursts:
        assert index[(b["client_id_type"], b["client_id"])]["person_key"] == b["person_key"]
        start, end = parse_ts(b["start"]), parse_ts(b["end"])
        assert end - start < dt.timedelta(hours=1)
        hits = sum(1 for ln in mixed.good()
                   if (b["client_id_type"], b["client_id"]) in identifiers(ln.record)
                   and start <= parse_ts(ln.record["timestamp"]) <= end)
        assert hits >= 0.9 * int(b["n_events"]) and hits >= 24


def test_experiment(mixed: Dataset) -> None:
    rows = mixed.truth_rows("experiment.csv")
    variants = Counter(r["variant"] for r in rows)
    assert abs(variants["control"] - variants["treatment"]) < 0.2 * len(rows)
    events = _person_of(mixed)
    both = [r["person_key"] for r in rows if r["exposed_both"] == "true"]
    assert len(both) >= 2
    for key in both:
        shown = {r["properties"]["variant"] for r in events[key]
                 if r.get("event") == "experiment_exposure"}
        assert shown == {"control", "treatment"}, key
    for r in rows:
        if r["exposed_both"] == "false" and r["person_key"] in events:
            shown = {e["properties"]["variant"] for e in events[r["person_key"]]
                     if e.get("event") == "experiment_exposure"}
            assert shown <= {r["variant"]}


def test_shared_devices_and_late_merges(mixed: Dataset) -> None:
    persons = mixed.truth_rows("persons.csv")
    traps = Counter(t for p in persons for t in p["traps"].split(";") if t)
    assert traps["family_tablet"] >= 2 and traps["kiosk"] >= 2 and traps["shared_cookie"] >= 2
    assert traps["late_merge"] >= 1
    index = _identifier_index(mixed)
    users_per_shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    for ln in mixed.good():
        ids = identifiers(ln.record)
        shared = [i for i in ids if index[i]["kind"] == "shared"]
        if shared and "user_id" in ln.record:
            users_per_shared[shared[0]].add(ln.record["user_id"])
    assert max(len(v) for v in users_per_shared.values()) >= 3


def test_unionid_is_the_persons_wechat_account(mixed: Dataset) -> None:
    """Every mini-program event carries a unionid (the real one, or a buggy SDK's placeholder),
    a unionid names one person, and WeChat logins on the app or the web carry the same value."""
    index = _identifier_index(mixed)
    mp_events = union_elsewhere = 0
    for ln in mixed.good():
        rec = ln.record
        ctx = rec.get("context") or {}
        unionid = (ctx.get("wechat") or {}).get("unionid")
        if ctx.get("channel") == "miniprogram" and "openid" in (ctx.get("wechat") or {}):
            mp_events += 1
            assert unionid is not None, rec["message_id"]
        if unionid is None or unionid in JUNK:
            continue
        owner = index[("unionid", unionid)]
        assert owner["kind"] == "person"
        for ident in identifiers(rec):
            row = index[ident]
            if row["kind"] == "person":
                assert row["person_key"] == owner["person_key"], (ident, unionid)
        if ctx.get("channel") in ("app", "web"):
            assert rec["type"] in ("identify", "track") and "user_id" in rec
            union_elsewhere += 1
    assert mp_events > 1000 and union_elsewhere > 0
