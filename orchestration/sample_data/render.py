"""Turn the event frame into JSON lines and Parquet rows, column-wise.

Most of an event is repeated state: a client's context, a web page, a product's properties. Each
such component is rendered once per distinct state (as a JSON fragment and as an Arrow struct) and
then gathered per row; only message_id and the two timestamps are formatted per row, in numpy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.sample_data import frame as fr
from orchestration.sample_data.catalog import Catalog, Pages
from orchestration.sample_data.config import CHINA_OFFSET_MS, GeneratorConfig, Profile
from orchestration.sample_data.encode import (
    arrow_index,
    concat_bytes,
    digits_bytes,
    fixed_to_arrow,
    iso_ms_bytes,
    uuid_bytes,
    varlen_to_arrow,
)
from orchestration.sample_data.identities import Identities
from orchestration.sample_data.journeys import LISTS, METHODS, SHARE_TARGETS
from orchestration.sample_data.orders import Orders
from orchestration.sample_data.people import (
    CHANNELS,
    IOT,
    JUNK_ANON,
    JUNK_DEVICE,
    JUNK_UNIONID,
    JUNK_USER,
    LIBRARIES,
    LIBRARY_CODES,
    MP,
    SERVER,
    WEB,
    Population,
)

MESSAGE_ID_DOMAIN = 21
INVALID_TIMESTAMPS = ["yesterday", "not a date", "2026-13-45T25:61:00+08:00", "undefined"]
UNKNOWN_TYPES = ["alias", "foo", "group", "screenview"]
LEVELS = ["silver", "gold", "platinum"]


@dataclass
class Money:
    """Cents; JSON shows them as a 2-decimal number, Parquet as a double."""

    cents: np.ndarray
    valid: np.ndarray

    def json_text(self) -> pa.Array:
        c = np.where(self.valid, self.cents, 0).astype(np.int64)
        whole = pa.array(c // 100).cast(pa.string())
        frac = pc.utf8_lpad(pa.array(c % 100).cast(pa.string()), width=2, padding="0")
        text = pc.binary_join_element_wise(whole, frac, ".")
        return pc.if_else(pa.array(self.valid), text, pa.scalar(None, pa.string()))

    def arrow(self) -> pa.Array:
        return pa.array(self.cents / 100.0, mask=~self.valid, type=pa.float64())


Leaf = pa.Array | Money
Spec = dict[str, "Leaf | Spec"]


def _ints(values: np.ndarray, valid: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int64), mask=~np.asarray(valid, dtype=bool))


def _lookup(table: list[str | None] | pa.Array, codes: np.ndarray) -> pa.Array:
    arr = table if isinstance(table, pa.Array) else pa.array(table, type=pa.string())
    return pc.take(arr, arrow_index(codes))


def _kv(name: str, leaf: Leaf) -> pa.Array:
    if isinstance(leaf, Money):
        return pc.binary_join_element_wise(f',"{name}":', leaf.json_text(), "",
                                           null_handling="emit_null")
    if pa.types.is_string(leaf.type):
        return pc.binary_join_element_wise(f',"{name}":"', leaf, '"', "",
                                           null_handling="emit_null")
    return pc.binary_join_element_wise(f',"{name}":', leaf.cast(pa.string()), "",
                                       null_handling="emit_null")


def json_members(spec: Spec) -> pa.Array:
    """',"a":1,"b":"x"' per state: every non-null member with a leading comma ('' if none)."""
    pieces = [json_object(name, leaf) if isinstance(leaf, dict) else _kv(name, leaf)
              for name, leaf in spec.items()]
    # 'replace', not 'skip': skip drops rows whose inputs are all null in this Arrow version
    return pc.binary_join_element_wise(*pieces, "", null_handling="replace",
                                       null_replacement="")


def json_object(name: str, spec: Spec) -> pa.Array:
    inner = json_members(spec)
    body = pc.utf8_slice_codeunits(inner, 1)
    obj = pc.binary_join_element_wise(f',"{name}":{{', body, "}", "")
    return pc.if_else(pc.equal(inner, ""), pa.scalar(None, pa.string()), obj)


def struct_of(spec: Spec) -> pa.StructArray:
    """The same state as an Arrow struct; a sub-object whose members are all null is null."""
    arrays = []
    for leaf in spec.values():
        if isinstance(leaf, dict):
            arrays.append(struct_of(leaf))
        elif isinstance(leaf, Money):
            arrays.append(leaf.arrow())
        else:
            arrays.append(leaf)
    present = np.zeros(len(arrays[0]), dtype=bool)
    for a in arrays:
        present |= ~a.is_null().to_numpy(zero_copy_only=False)
    return pa.StructArray.from_arrays(arrays, names=list(spec), mask=pa.array(~present))


def _factorize(key: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row state code (-1 where not valid) and one representative row per state."""
    codes = np.full(len(key), -1, dtype=np.int64)
    rows = np.flatnonzero(valid)
    c, _ = pd.factorize(key[rows], sort=False)
    codes[rows] = c
    # factorize numbers states in order of first appearance: a first occurrence is where the
    # running maximum of the codes goes up
    new = np.r_[True, c[1:] > np.maximum.accumulate(c)[:-1]] if len(c) else np.zeros(0, bool)
    return codes, rows[new]


def name_variants(name: str) -> list[str]:
    """The normalised name and five ways SDKs and people write it."""
    words = name.split("_")
    variants = [name, " ".join(w.capitalize() for w in words),
                words[0] + "".join(w.capitalize() for w in words[1:]), f" {name} ",
                name.upper(), "-".join(words)]
    # one-word names have no camel or kebab form: pad them with stray spaces instead
    spares = iter([f"{name} ", f" {name.upper()}", f"{name.capitalize()} "])
    for i in range(1, len(variants)):
        if variants[i] in variants[:i]:
            variants[i] = next(spares)
    return variants


class Renderer:
    def __init__(self, cfg: GeneratorConfig, profile: Profile, pop: Population,
                 catalog: Catalog, pages: Pages, ids: Identities, orders: Orders,
                 f: fr.Frame) -> None:
        self.cfg = cfg
        self.f = f
        self.pop = pop
        junk_values = list(profile["traps"]["junk_values"])
        self.junk_values = junk_values
        client = f["client"]
        has_client = client >= 0
        cl = np.maximum(client, 0)
        jf = np.where(has_client & (f["junk"] > 0), pop.c_junk_field[cl], 0)
        jv = np.maximum(f["junk"].astype(np.int64) - 1, 0)
        n_c, n_p = pop.n_clients, pop.n

        # type + event/name: a tiny fixed table
        web_flag = (f["channel"] == WEB).astype(np.int64)
        self.head_codes = f["kind"].astype(np.int64) * 16 + web_flag * 8 + f["name_variant"]
        self.head_spec = _head_spec()
        # anonymous_id and user_id: client / person tables, junk values appended
        self.anon_codes = np.where(jf == JUNK_ANON, n_c + jv, np.where(has_client, client, -1))
        anon_table = pa.concat_arrays([ids.anon, pa.array(junk_values, type=pa.string())])
        self.anon_values = anon_table
        self.user_codes = np.where(jf == JUNK_USER, n_p + jv, f["user"].astype(np.int64))
        self.user_values = pa.concat_arrays([ids.user, pa.array(junk_values, type=pa.string())])
        # context: per client state (unionid on or not, junk in device / unionid or not)
        ctx_junk = (jf == JUNK_DEVICE) | (jf == JUNK_UNIONID)
        ctx_key = np.where(has_client,
                           cl.astype(np.int64) * 4 + f["unionid"] * 2 + ctx_junk,
                           -1 - f["channel"].astype(np.int64))
        self.ctx_codes, rep = _factorize(ctx_key, np.ones(len(ctx_key), dtype=bool))
        self.ctx_spec = _context_spec(pop, ids, junk_values,
                                      list(profile["population"]["locales"]), ctx_key[rep],
                                      f["channel"][rep], np.where(ctx_junk[rep], jv[rep], -1))
        # library closes the context object
        lib = np.array([LIBRARY_CODES.index(p[3]) for p in pop.profiles])
        self.lib_codes = np.where(has_client, lib[pop.c_profile[cl]],
                                  np.where(f["channel"] == SERVER, LIBRARY_CODES.index("server"),
                                           LIBRARY_CODES.index("offline")))
        self.lib_spec = {"name": pa.array([LIBRARIES[c][0] for c in LIBRARY_CODES]),
                         "version": pa.array([LIBRARIES[c][1] for c in LIBRARY_CODES])}
        # web page + referrer
        n_ref = len(pages.referrers)
        page_key = f["page"].astype(np.int64) * n_ref + f["ref"]
        self.page_codes, rep = _factorize(page_key, f["page"] >= 0)
        pg, rf = f["page"][rep], f["ref"][rep]
        self.page_spec = {
            "url": _lookup(pages.urls, pg), "path": _lookup(pages.paths, pg),
            "referrer": _lookup(pages.referrers, rf), "title": _lookup(pages.titles, pg),
        }
        self.campaign_codes = f["campaign"].astype(np.int64)
        self.campaign_spec = {
            k: pa.array([c.get(k) or None for c in profile.campaigns], type=pa.string())
            for k in ("source", "medium", "name", "term", "content")
        }
        self.props_codes, self.props_spec = _properties(profile, catalog, orders, f)
        # traits
        traits_key = f["person"].astype(np.int64) * 3 + f["traits"]
        self.traits_codes, rep = _factorize(traits_key, f["traits"] > 0)
        self.traits_spec = _traits_spec(pop, ids, f["person"][rep], f["traits"][rep])

        self._json_tables(f)
        self._structs: dict[str, pa.Array] | None = None

    def _json_tables(self, f: fr.Frame) -> None:
        """Fragments for the JSON line, as few per row as possible (joins cost per piece).

        A line is P + head + page/campaign + who + payload + S where P and S are per-row numpy
        text ('{"message_id":..,"timestamp":"<local time>' and ',"received_at":..}\\n') and the
        middle pieces are gathered from per-state fragment tables:
          head     '+08:00","type":"track","event":"x","context":{'   (tz, kind, channel, name)
          pc       '"page":{..},"campaign":{..},'                      (page state, campaign)
          who      '"channel":..,"library":{..}},"anonymous_id":..,"user_id":..' (client state, ids)
          payload  ',"properties":{..}' or ',"traits":{..}'
        """
        n_head = len(self.head_spec["type"])
        tz_head = pa.concat_arrays([
            pc.binary_join_element_wise(suffix, pc.utf8_slice_codeunits(
                json_members(self.head_spec), 1), ',"context":{', "")
            for suffix in ('+08:00",', 'Z",')
        ])
        self.j_head = (self.head_codes + n_head * f["tz_utc"]).astype(np.int64)
        # page + campaign
        n_camp = len(self.campaign_spec["source"])
        pc_key = (self.page_codes + 1) * (n_camp + 1) + (self.campaign_codes + 1)
        self.j_pc, rep = _factorize(pc_key, (self.page_codes >= 0) | (self.campaign_codes >= 0))
        page = _trailing(json_object("page", self.page_spec))
        camp = _trailing(json_object("campaign", self.campaign_spec))
        self.t_pc = pc.binary_join_element_wise(
            pc.take(page, arrow_index(self.page_codes[rep])),
            pc.take(camp, arrow_index(self.campaign_codes[rep])), "",
            null_handling="replace", null_replacement="")
        # who: the client's context (closed by the library) and the ids the event carries
        n_user = len(self.user_values)
        n_anon = len(self.anon_values)
        who_key = ((self.ctx_codes * (n_anon + 1) + self.anon_codes + 1) * (n_user + 1)
                   + self.user_codes + 1)
        self.j_who, rep = _factorize(who_key, np.ones(len(who_key), dtype=bool))
        ctx_inner = pc.utf8_slice_codeunits(json_members(self.ctx_spec), 1)
        lib = json_object("library", self.lib_spec)
        self.t_who = pc.binary_join_element_wise(
            pc.take(ctx_inner, arrow_index(self.ctx_codes[rep])),
            pc.take(lib, arrow_index(self.lib_codes[rep])), "}",
            pc.take(_kv("anonymous_id", self.anon_values), arrow_index(self.anon_codes[rep])),
            pc.take(_kv("user_id", self.user_values), arrow_index(self.user_codes[rep])),
            "", null_handling="replace", null_replacement="")
        # payload: properties (track) or traits (identify), never both
        props = json_object("properties", self.props_spec)
        traits = json_object("traits", self.traits_spec)
        self.t_payload = pa.concat_arrays([props, traits])
        self.j_payload = np.where(self.props_codes >= 0, self.props_codes,
                                  np.where(self.traits_codes >= 0,
                                           self.traits_codes + len(props), -1))
        self.t_head = tz_head

    # --- per-row pieces ------------------------------------------------------------------------
    def _message_ids(self, lo: int, hi: int) -> np.ndarray:
        return uuid_bytes(self.cfg.seed, MESSAGE_ID_DOMAIN, self.f["uid"][lo:hi])

    def _local(self, ms: np.ndarray, utc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        iso = iso_ms_bytes(ms, np.where(utc, 0, CHINA_OFFSET_MS))
        return iso, utc

    def json_chunk(self, lo: int, hi: int) -> list[pa.Buffer | bytes]:
        """The JSON lines of rows lo:hi as buffers to write in order."""
        f = self.f
        n = hi - lo
        iso, _ = self._local(f["ts"][lo:hi], f["tz_utc"][lo:hi])
        head = fixed_to_arrow(concat_bytes('{"message_id":"', self._message_ids(lo, hi),
                                           '","timestamp":"', iso))
        tail = fixed_to_arrow(concat_bytes(',"received_at":"', iso_ms_bytes(f["recv"][lo:hi]),
                                           'Z"}\n'))

        def g(table: pa.Array, codes: np.ndarray) -> pa.Array:
            return pc.take(table, arrow_index(codes[lo:hi]))

        lines = pc.binary_join_element_wise(
            head, g(self.t_head, self.j_head), g(self.t_pc, self.j_pc),
            g(self.t_who, self.j_who), g(self.t_payload, self.j_payload), tail, "",
            null_handling="replace", null_replacement="")
        assert len(lines) == n
        bad = f["bad"][lo:hi]
        # duplicates are verbatim copies and future timestamps come from the frame itself
        patch = np.flatnonzero((bad > 0) & (bad != fr.DUPLICATE) & (bad != fr.FUTURE))
        data = text_buffer(lines)
        if not len(patch):
            return [data]
        width = 8 if pa.types.is_large_string(lines.type) else 4
        offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64 if width == 8 else np.int32,
                                count=n + 1, offset=lines.offset * width)
        offsets = offsets.astype(np.int64) - offsets[0]
        raw = memoryview(data)
        out: list[pa.Buffer | bytes] = []
        prev = 0
        for i in patch.tolist():
            a, b = int(offsets[i]), int(offsets[i + 1])
            out.append(raw[prev:a])
            line = bytes(raw[a:b]).decode("utf-8")
            out.append(_spoil(line, int(bad[i]), int(f["uid"][lo + i]), self.cfg.seed)
                       .encode("utf-8"))
            prev = b
        out.append(raw[prev:])
        return [b"".join(out)]

    def _struct_tables(self) -> dict[str, pa.Array]:
        if self._structs is None:
            self._structs = {
                "head": struct_of(self.head_spec), "ctx": struct_of(self.ctx_spec),
                "page": struct_of(self.page_spec), "campaign": struct_of(self.campaign_spec),
                "lib": struct_of(self.lib_spec), "props": struct_of(self.props_spec),
                "traits": struct_of(self.traits_spec),
            }
        return self._structs

    def arrow_rows(self, lo: int, hi: int) -> pa.Table:
        """The rows as nested columns: what the JSON would be, with absent keys as nulls."""
        f = self.f
        st = self._struct_tables()

        def g(table: pa.Array, codes: np.ndarray) -> pa.Array:
            return pc.take(table, arrow_index(codes[lo:hi]))

        iso, utc = self._local(f["ts"][lo:hi], f["tz_utc"][lo:hi])
        ts_np = concat_bytes(iso, "+08:00")
        ts_np[utc, 23] = ord("Z")
        ts = varlen_to_arrow(ts_np, np.where(utc, 24, 29))
        head = g(st["head"], self.head_codes)
        ctx = g(st["ctx"], self.ctx_codes)
        ctx_fields = [ctx.field(i) for i in range(ctx.type.num_fields)]
        ctx_names = [ctx.type.field(i).name for i in range(ctx.type.num_fields)]
        context = pa.StructArray.from_arrays(
            [*ctx_fields, g(st["page"], self.page_codes), g(st["campaign"], self.campaign_codes),
             g(st["lib"], self.lib_codes)],
            names=[*ctx_names, "page", "campaign", "library"],
        )
        return pa.table({
            "message_id": fixed_to_arrow(self._message_ids(lo, hi)),
            "type": head.field(0), "event": head.field(1), "name": head.field(2),
            "timestamp": ts,
            "anonymous_id": g(self.anon_values, self.anon_codes),
            "user_id": g(self.user_values, self.user_codes),
            "context": context,
            "properties": g(st["props"], self.props_codes),
            "traits": g(st["traits"], self.traits_codes),
            "received_at": varlen_to_arrow(concat_bytes(iso_ms_bytes(f["recv"][lo:hi]), "Z"),
                                           np.full(hi - lo, 24)),
        })


def _trailing(obj: pa.Array) -> pa.Array:
    """',"k":{..}' -> '"k":{..},' (null stays null)."""
    return pc.binary_join_element_wise(pc.utf8_slice_codeunits(obj, 1), ",", "",
                                       null_handling="emit_null")


def text_buffer(arr: pa.Array) -> pa.Buffer:
    """The UTF-8 bytes of all strings of an Arrow string array, back to back."""
    width = 8 if pa.types.is_large_string(arr.type) else 4
    dtype = np.int64 if width == 8 else np.int32
    offsets = np.frombuffer(arr.buffers()[1], dtype=dtype, count=len(arr) + 1,
                            offset=arr.offset * width)
    return arr.buffers()[2].slice(int(offsets[0]), int(offsets[-1] - offsets[0]))


def _head_spec() -> Spec:
    types, events, names = [], [], []
    for kind in range(len(fr.KINDS)):
        for web in (0, 1):
            for variant in range(8):
                typ, name = fr.KINDS[kind]
                if typ == "page":
                    types.append("page" if web else "screen")
                    events.append(None)
                    names.append(name)
                elif typ == "track":
                    types.append("track")
                    events.append(name_variants(name)[variant] if variant < 6 else name)
                    names.append(None)
                else:
                    types.append(typ)
                    events.append(None)
                    names.append(None)
    return {"type": pa.array(types, type=pa.string()), "event": pa.array(events, type=pa.string()),
            "name": pa.array(names, type=pa.string())}


def _context_spec(pop: Population, ids: Identities, junk_values: list[str],
                  locale_names: list[str], key: np.ndarray, channel: np.ndarray,
                  junk: np.ndarray) -> Spec:
    is_client = key >= 0
    client = np.where(is_client, key // 4, 0)
    unionid_on = is_client & ((key // 2) % 2 == 1)
    ch = np.where(is_client, pop.c_channel[client], channel)
    prof = pop.c_profile[client]
    jf = np.where(junk >= 0, pop.c_junk_field[client], 0)
    junk_arr = _lookup(junk_values, np.maximum(junk, 0))
    dev_types = pa.array([p[0] for p in pop.profiles])
    oses = pa.array([p[1] for p in pop.profiles])
    uas = pa.array([p[2] for p in pop.profiles])
    idx = arrow_index(np.where(is_client, client, -1))
    device_id = pc.take(ids.device, idx)
    device_id = pc.if_else(pa.array(jf == JUNK_DEVICE), junk_arr, device_id)
    person_idx = arrow_index(np.where(is_client, pop.c_person[client], -1))
    unionid = pc.if_else(pa.array(unionid_on), pc.take(ids.unionid, person_idx),
                         pa.scalar(None, pa.string()))
    unionid = pc.if_else(pa.array(jf == JUNK_UNIONID), junk_arr, unionid)
    prof_idx = arrow_index(np.where(is_client, prof, -1))
    locales = pa.array(locale_names, type=pa.string())
    return {
        "channel": pa.array(np.array(CHANNELS)[ch], type=pa.string()),
        "device": {
            "id": device_id,
            "type": pc.take(dev_types, prof_idx),
            "os": pc.take(oses, prof_idx),
        },
        "ip": pc.take(ids.ip, arrow_index(np.where(is_client & (ch != IOT), client, -1))),
        "user_agent": pc.take(uas, prof_idx),
        "locale": pc.take(locales, arrow_index(np.where(is_client, pop.c_locale[client], -1))),
        "wechat": {
            "openid": pc.take(ids.openid, arrow_index(np.where(ch == MP, client, -1))),
            "unionid": unionid,
        },
    }


def _properties(profile: Profile, catalog: Catalog, orders: Orders,
                f: fr.Frame) -> tuple[np.ndarray, Spec]:
    def b(col: str, shift: int) -> np.ndarray:
        return (f[col].astype(np.int64) + 1) << shift

    k1 = (f["kind"].astype(np.int64) | b("product", 5) | b("category", 25) | b("list", 32)
          | (f["position"].astype(np.int64) << 36) | (f["qty"].astype(np.int64) << 43)
          | b("coupon", 47) | b("variant", 52))
    k2 = b("share", 0) | b("method", 3) | b("battery", 6) | b("level", 14) | b("term", 17)
    c1, _ = pd.factorize(k1, sort=False)
    key = (c1.astype(np.int64) << 28) | k2
    has_order = f["order"] >= 0
    key = np.where(has_order, -1 - (f["order"].astype(np.int64) * 32 + f["kind"]), key)
    kind = f["kind"]
    has_props = (kind >= fr.T_SEARCH) & (kind != fr.IDENTIFY)
    codes, rep = _factorize(key, has_props)
    r = {name: f[name][rep] for name in ("kind", "product", "category", "list", "position", "qty",
                                         "order", "coupon", "variant", "term", "method", "share",
                                         "battery", "level")}
    order = r["order"]
    o = np.maximum(order, 0)
    has_o = order >= 0
    price_o, discount_o, revenue_o = orders.amounts(catalog)
    o_coupon = orders.col("coupon").astype(np.int64)
    o_store = orders.col("store").astype(np.int64)
    o_qty = orders.col("qty").astype(np.int64)
    if not len(price_o):
        price_o = discount_o = revenue_o = o_coupon = o_store = o_qty = np.zeros(1, dtype=np.int64)
    product = r["product"].astype(np.int64)
    has_p = product >= 0
    pp = np.maximum(product, 0)
    category = np.where(has_p, catalog.product_category[pp], r["category"]).astype(np.int64)
    qty = np.where(has_o, o_qty[o], r["qty"])
    coupon = np.where(has_o, o_coupon[o], r["coupon"])
    revenue_valid = has_o
    coupons = list(profile["funnel"]["coupons"])
    stores = list(profile["backoffice"]["stores"])
    order_numbers = _order_numbers(profile, orders.n)
    exp_id = profile["experiment"]["id"]
    variants = profile["experiment"]["variants"]
    spec: Spec = {
        "product_id": _lookup(catalog.product_ids, np.where(has_p, pp, -1)),
        "category": _lookup(catalog.categories, np.where(category >= 0, category, -1)),
        "price": Money(catalog.price_cents[pp], has_p),
        "quantity": _ints(qty, qty > 0),
        "order_id": _lookup(order_numbers, np.where(has_o, o, -1)),
        "revenue": Money(revenue_o[o], revenue_valid),
        "currency": _lookup(["CNY"], np.where(has_p | has_o, 0, -1)),
        "coupon": _lookup(coupons, np.where(coupon >= 0, coupon, -1)),
        "discount": Money(discount_o[o], has_o & (discount_o[o] > 0)),
        "experiment_id": _lookup([exp_id], np.where(r["variant"] >= 0, 0, -1)),
        "variant": _lookup(variants, np.where(r["variant"] >= 0, r["variant"], -1)),
        "search_term": _lookup(catalog.terms, np.where(r["term"] >= 0, r["term"], -1)),
        "list_name": _lookup(LISTS, np.where(r["list"] >= 0, r["list"], -1)),
        "position": _ints(r["position"], r["position"] > 0),
        "method": _lookup(METHODS, np.where(r["method"] >= 0, r["method"], -1)),
        "share_to": _lookup(SHARE_TARGETS, np.where(r["share"] >= 0, r["share"], -1)),
        "battery_level": _ints(r["battery"], r["battery"] >= 0),
        "store_id": _lookup(stores, np.where(has_o & (o_store[o] >= 0), o_store[o], -1)),
        "level": _lookup(LEVELS, np.where(r["level"] >= 0, r["level"], -1)),
    }
    return codes, spec


def _order_numbers(profile: Profile, n: int) -> pa.Array:
    # distinct, non-sequential order numbers: an affine bijection mod 10**10
    num = (np.arange(n, dtype=np.int64) * 7_777_777 + 1_000_003) % 10**10
    return fixed_to_arrow(concat_bytes("o_", digits_bytes(num, 10))) if n else pa.array(
        [], type=pa.string())


def traits_present(pop: Population, person: np.ndarray,
                   traits: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(name, phone, email) present in the traits of identify calls of kind traits (1 or 2)."""
    login = traits == 1
    has_phone = pop.has_phone[person] & pop.identified[person] & (
        (login & ~pop.phone_link[person]) | (traits == 2))
    return pop.has_name[person] & login, has_phone, pop.has_email[person] & login


def _traits_spec(pop: Population, ids: Identities, person: np.ndarray,
                 traits: np.ndarray) -> Spec:
    has_name, has_phone, has_email = traits_present(pop, person, traits)
    return {
        "name": _lookup(ids.name, np.where(has_name, person, -1)),
        "phone": _lookup(ids.phone_traits, np.where(has_phone, person, -1)),
        "email": _lookup(ids.email_traits, np.where(has_email, person, -1)),
    }


def _spoil(line: str, reason: int, uid: int, seed: int) -> str:
    """Make one good line bad for the given reason (see frame.BAD_REASONS)."""
    # a cheap deterministic mix of (seed, uid): which way this line gets spoiled
    h = ((uid * 0x9E3779B97F4A7C15 + seed * 0xBF58476D1CE4E5B9) >> 17) & 0xFFFFFFFFFFFF
    name = fr.BAD_REASONS[reason]
    if name == "malformed_json":
        style = h % 3
        if style == 0:  # cut off mid-write
            body = line.rstrip("\n")
            cut = max(5, int(len(body) * (0.2 + (h >> 8) % 70 / 100)))
            return body[: min(cut, len(body) - 1)] + "\n"
        if style == 1:  # a key lost its quotes
            return line.replace(',"type":', ",type:", 1)
        return line.replace('{"message_id"', "{'message_id'", 1)
    d = json.loads(line)
    if name == "missing_timestamp":
        del d["timestamp"]
    elif name == "invalid_timestamp":
        d["timestamp"] = INVALID_TIMESTAMPS[h % len(INVALID_TIMESTAMPS)]
    elif name == "no_identifier":
        d.pop("anonymous_id", None)
        d.pop("user_id", None)
        ctx = d.get("context", {})
        ctx.get("device", {}).pop("id", None)
        ctx.pop("wechat", None)
        d.get("traits", {}).pop("phone", None)
        d.get("traits", {}).pop("email", None)
    elif name == "unknown_type":
        d["type"] = UNKNOWN_TYPES[h % len(UNKNOWN_TYPES)]
    elif name == "missing_message_id":
        del d["message_id"]
    return json.dumps(d, ensure_ascii=False, separators=(",", ":")) + "\n"

