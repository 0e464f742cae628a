"""Persons (segments, tastes, accounts) and their clients (browsers, apps, WeChat, devices)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.sample_data.catalog import Catalog
from orchestration.sample_data.config import GeneratorConfig, Profile, weights
from orchestration.sample_data.encode import hash64

CHANNELS = ["web", "app", "miniprogram", "iot", "server", "offline"]
WEB, APP, MP, IOT, SERVER, OFFLINE = range(6)
SEGMENTS = ["price_sensitive", "high_value", "churner", "near_conversion_dropout",
            "active_browser", "fraud"]
SHARED_KINDS = ["", "family_tablet", "kiosk", "shared_cookie"]
JUNK_FIELDS = ["", "anonymous_id", "user_id", "device_id", "unionid"]
NO_JUNK, JUNK_ANON, JUNK_USER, JUNK_DEVICE, JUNK_UNIONID = range(5)

DEVICE_TYPES = ["desktop", "mobile", "tablet", "iot"]
OSES = ["Windows", "macOS", "iOS", "Android", "iPadOS", "HarmonyOS", "RTOS"]
_WX = "MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN"
# channel -> [(device type, os, user agent, library, weight)]
DEVICE_PROFILES: dict[int, list[tuple[str, str, str, str, float]]] = {
    WEB: [
        ("desktop", "Windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
         "(KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36", "web", 0.38),
        ("desktop", "macOS", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
         "(KHTML, like Gecko) Version/17.5 Safari/605.1.15", "web", 0.14),
        ("mobile", "iOS", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) "
         "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
         "web", 0.18),
        ("mobile", "Android", "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, "
         "like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36", "web", 0.16),
        ("mobile", "Android", "Mozilla/5.0 (Linux; Android 13; PGT-AN10) AppleWebKit/537.36 "
         f"(KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36 {_WX}", "web", 0.09),
        ("tablet", "iPadOS", "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
         "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "web", 0.05),
    ],
    APP: [
        ("mobile", "iOS", "ShopApp/6.3.1 (iPhone; iOS 17.5.1; Scale/3.00)", "ios", 0.42),
        ("mobile", "Android", "ShopApp/6.3.1 (Linux; Android 14; PJD110) okhttp/4.12.0",
         "android", 0.40),
        ("mobile", "HarmonyOS", "ShopApp/6.3.1 (HarmonyOS 4.2; ALN-AL00)", "android", 0.10),
        ("tablet", "iPadOS", "ShopApp/6.3.1 (iPad; iPadOS 17.5; Scale/2.00)", "ios", 0.08),
    ],
    MP: [
        ("mobile", "iOS", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) "
         f"AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 {_WX} miniProgram", "mp", 0.45),
        ("mobile", "Android", "Mozilla/5.0 (Linux; Android 14; 22081212C) AppleWebKit/537.36 "
         f"(KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36 {_WX} miniProgram", "mp",
         0.55),
    ],
    IOT: [("iot", "RTOS", "ShopHome-Speaker/2.4.0 (RTOS)", "iot", 1.0)],
}
SHARED_TABLET = ("tablet", "Android", "ShopApp/6.3.1 (Linux; Android 13; BAH4-W09) okhttp/4.12.0",
                 "android", 1.0)
LIBRARIES = {  # library code -> (name, version)
    "web": ("analytics.js", "4.15.3"),
    "ios": ("analytics-ios", "4.1.8"),
    "android": ("analytics-android", "4.11.3"),
    "mp": ("analytics-miniprogram", "1.6.2"),
    "iot": ("shop-iot-agent", "2.4.0"),
    "server": ("analytics-python", "2.3.2"),
    "offline": ("pos-uploader", "1.0.4"),
}
LIBRARY_CODES = list(LIBRARIES)
# Chinese carrier / ISP address blocks, so ip addresses look domestic
IP_PREFIXES = [36, 39, 42, 58, 60, 101, 106, 111, 112, 113, 114, 115, 116, 117, 119, 120, 121,
               123, 125, 139, 171, 175, 180, 182, 183, 202, 211, 218, 220, 221, 222, 223]


@dataclass
class Population:
    # persons
    n: int
    identified: np.ndarray
    segments: dict[str, np.ndarray]
    weight: np.ndarray
    arrive: np.ndarray  # days from window start of the first possible visit
    churn: np.ndarray  # days from window start, nan for non-churners
    cat1: np.ndarray
    cat2: np.ndarray
    band: np.ndarray  # price band preference: 0 any, 1 cheap, 2 dear
    variant: np.ndarray  # experiment assignment by hash of the person: 0 control, 1 treatment
    account: np.ndarray  # account number behind user_id
    has_phone: np.ndarray
    has_email: np.ndarray
    has_name: np.ndarray
    phone_link: np.ndarray  # phone only reaches events on a client that never logs in
    new_signup: np.ndarray
    in_crm: np.ndarray
    # clients
    c_person: np.ndarray  # -1 for shared clients
    c_channel: np.ndarray
    c_profile: np.ndarray  # index into c_* string tables below
    c_tz_utc: np.ndarray
    c_locale: np.ndarray
    c_ip: np.ndarray  # uint32
    c_login_rank: np.ndarray  # designated session rank of the login on this client, -1 never
    c_auth_rank: np.ndarray  # mini program: first session sending the real unionid, -1 never
    c_junk_field: np.ndarray
    c_junk_value: np.ndarray
    c_shared: np.ndarray  # SHARED_KINDS index
    c_phone_only: np.ndarray
    c_weight: np.ndarray  # share of the person's sessions on this client
    profiles: list[tuple[str, str, str, str, float]]  # (type, os, ua, library, weight)
    # shared clients: who uses them
    share_client: np.ndarray
    share_person: np.ndarray
    late_merge: np.ndarray  # person flags

    @property
    def n_clients(self) -> int:
        return len(self.c_person)

    def segment_mask(self) -> np.ndarray:
        bits = np.zeros(self.n, dtype=np.int32)
        for i, name in enumerate(SEGMENTS):
            bits |= self.segments[name].astype(np.int32) << i
        return bits


def _force_min(rng: np.random.Generator, flags: np.ndarray, eligible: np.ndarray, k: int) -> None:
    short = k - int(flags.sum())
    if short <= 0:
        return
    pool = np.flatnonzero(eligible & ~flags)
    if len(pool):
        flags[rng.choice(pool, size=min(short, len(pool)), replace=False)] = True


def _unique_numbers(n: int, modulus: int, seed: int, domain: int) -> np.ndarray:
    """n distinct pseudo-random numbers below modulus (an affine bijection of 0..n-1)."""
    if n > modulus:
        raise ValueError("too many ids for the id width")
    h = int(hash64(seed, domain, np.array([0]))[0])
    a = h % modulus | 1
    while np.gcd(a, modulus) != 1:
        a += 2
    b = (h >> 20) % modulus
    return (np.arange(n, dtype=np.int64) * a + b) % modulus


def build_population(cfg: GeneratorConfig, profile: Profile, catalog: Catalog) -> Population:
    rng = cfg.rng("people")
    pop = profile["population"]
    seg = profile["segments"]
    n = max(60, round(cfg.events / pop["events_per_person"]))
    identified = rng.random(n) < pop["identified_share"]
    flags = {name: rng.random(n) < seg[name] for name in SEGMENTS}
    k_min = int(seg["min_count"])
    for name in SEGMENTS:
        eligible = np.ones(n, dtype=bool)
        if name == "near_conversion_dropout":
            eligible = ~flags["high_value"]
        _force_min(rng, flags[name], eligible, k_min)
    # keep planted behaviours from contradicting each other
    flags["near_conversion_dropout"] &= ~flags["high_value"]
    flags["active_browser"] &= ~flags["high_value"]
    flags["fraud"] &= ~flags["near_conversion_dropout"]
    _force_min(rng, flags["fraud"], ~flags["near_conversion_dropout"], k_min)
    for name in ("high_value", "near_conversion_dropout", "fraud"):
        identified |= flags[name]

    act = profile["activity"]
    weight = np.exp(rng.normal(0.0, act["activity_sigma"], n))
    weight *= np.where(flags["active_browser"], act["weight_active_browser"], 1.0)
    weight *= np.where(flags["high_value"], act["weight_high_value"], 1.0)
    weight *= np.where(identified, 1.0, act["weight_grey"])
    arrive = np.where(rng.random(n) < pop["arrive_at_start_share"], 0.0,
                      rng.random(n) * cfg.days * 0.85)
    churner = flags["churner"]
    arrive[churner] = 0.0
    lo, hi = seg["churn_window"]
    hi_days = min(hi * cfg.days, cfg.days - min(seg["churn_min_days_before_end"], cfg.days * 0.3))
    churn = np.where(churner, lo * cfg.days + rng.random(n) * max(hi_days - lo * cfg.days, 0.1),
                     np.nan)

    cat1 = rng.choice(len(catalog.categories), size=n, p=catalog.category_weights).astype(np.int16)
    cat2 = ((cat1 + 1 + rng.integers(0, len(catalog.categories) - 1, n))
            % len(catalog.categories)).astype(np.int16)
    band = np.zeros(n, dtype=np.int8)
    band[flags["high_value"] & (rng.random(n) < 0.7)] = 2
    band[flags["price_sensitive"]] = 1
    variant = (hash64(cfg.seed, 91, np.arange(n)) & np.uint64(1)).astype(np.int8)
    account = _unique_numbers(n, 9_999_999, cfg.seed, 92) + 1  # u_0000001 .. u_9999999
    has_phone = identified & (rng.random(n) < pop["phone_share"])
    has_email = identified & (rng.random(n) < pop["email_share"])
    has_name = identified & (rng.random(n) < pop["name_share"])
    crm = profile["crm"]
    in_crm = np.where(identified, rng.random(n) < crm["identified_share"],
                      rng.random(n) < crm["grey_share"])
    # a store-only member is known by phone
    has_phone |= in_crm & ~identified
    new_signup = identified & (arrive > 0)

    clients = _build_clients(cfg, profile, n, identified, rng)
    (c_person, c_channel) = clients
    population = _client_attributes(cfg, profile, n, identified, c_person, c_channel)
    p = Population(
        n=n, identified=identified, segments=flags, weight=weight, arrive=arrive, churn=churn,
        cat1=cat1, cat2=cat2, band=band, variant=variant, account=account, has_phone=has_phone,
        has_email=has_email, has_name=has_name, phone_link=np.zeros(n, dtype=bool),
        new_signup=new_signup, in_crm=in_crm, late_merge=np.zeros(n, dtype=bool), **population,
    )
    _plant_phone_links(cfg, profile, p)
    _add_shared_clients(cfg, profile, p)
    return p


def _build_clients(cfg: GeneratorConfig, profile: Profile, n: int, identified: np.ndarray,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    pop = profile["population"]
    # one uniform per person, read against the identified or the grey distribution (the same
    # draw as rng.choice would make)
    u = rng.random(n)
    n_clients = np.zeros(n, dtype=np.int64)
    for who, key in ((identified, "clients_per_person"), (~identified, "grey_clients_per_person")):
        counts_keys, counts_p = weights(pop[key])
        cdf = np.cumsum(counts_p)
        pick = np.minimum(np.searchsorted(cdf / cdf[-1], u[who], side="right"), len(cdf) - 1)
        n_clients[who] = np.asarray(counts_keys, dtype=np.int64)[pick]
    ch_keys, ch_p = weights(pop["client_channels"])
    ch_codes = np.array([CHANNELS.index(k) for k in ch_keys])
    # Gumbel top-k: a weighted sample of distinct channels per person, vectorised
    gumbel = np.log(ch_p)[None, :] - np.log(-np.log(rng.random((n, len(ch_p)))))
    order = np.argsort(-gumbel, axis=1)
    take = np.arange(len(ch_p))[None, :] < n_clients[:, None]
    person = np.repeat(np.arange(n), len(ch_p)).reshape(n, -1)[take]
    channel = ch_codes[order][take]
    # a smart speaker only sends events once it is bound to an account in the app
    iot = np.flatnonzero((rng.random(n) < pop["iot_share"]) & identified)
    person = np.concatenate([person, iot])
    channel = np.concatenate([channel, np.full(len(iot), IOT)])
    idx = np.lexsort((channel, person))
    return person[idx].astype(np.int32), channel[idx].astype(np.int8)


def _client_attributes(cfg: GeneratorConfig, profile: Profile, n: int, identified: np.ndarray,
                       c_person: np.ndarray, c_channel: np.ndarray) -> dict[str, object]:
    rng = cfg.rng("clients")
    pop = profile["population"]
    traps = profile["traps"]
    m = len(c_person)
    profiles: list[tuple[str, str, str, str, float]] = []
    offsets = {}
    for ch, plist in DEVICE_PROFILES.items():
        offsets[ch] = len(profiles)
        profiles.extend(plist)
    profiles.append(SHARED_TABLET)
    c_profile = np.zeros(m, dtype=np.int16)
    for ch, plist in DEVICE_PROFILES.items():
        sel = np.flatnonzero(c_channel == ch)
        w = np.array([p[4] for p in plist])
        c_profile[sel] = offsets[ch] + rng.choice(len(plist), len(sel), p=w / w.sum())
    loc_keys, loc_p = weights(pop["locales"])
    c_locale = rng.choice(len(loc_keys), m, p=loc_p).astype(np.int8)
    c_tz_utc = (rng.random(m) < pop["tz_utc_client_share"]) | (c_channel == IOT)
    c_ip = (np.array(IP_PREFIXES, dtype=np.uint32)[rng.integers(0, len(IP_PREFIXES), m)] << 24) | \
        rng.integers(1 << 8, 1 << 24, m, dtype=np.uint32)

    # logins: each identified person logs in on the first interactive client, often elsewhere too
    first_of_person = np.r_[True, c_person[1:] != c_person[:-1]]
    interactive = c_channel != IOT
    own = identified[c_person]
    extra = pop["extra_login_share"]  # per channel
    extra_share = np.array([extra.get(name, 0.0) for name in CHANNELS])
    logs_in = own & interactive & (first_of_person | (rng.random(m) < extra_share[c_channel]))
    logs_in |= own & (c_channel == IOT)  # device binding counts as a login
    rank = np.where(rng.random(m) < pop["login_first_session_share"], 0,
                    rng.geometric(0.35, m))
    c_login_rank = np.where(logs_in, rank, -1).astype(np.int32)
    c_login_rank[own & (c_channel == IOT)] = 0
    # unionid: returned by wx.login / code2Session from the first session when the mini program
    # is bound to the brand's WeChat open-platform account (mp_unionid_share of clients)
    auth = (c_channel == MP) & (rng.random(m) < pop["mp_unionid_share"])
    rng.geometric(0.5, m)  # keeps the random stream of the later draws
    c_auth_rank = np.where(auth, 0, -1).astype(np.int32)

    # buggy SDKs: a junk value in a field whose client still sends a real identifier
    c_junk_field = np.zeros(m, dtype=np.int8)
    buggy = rng.random(m) < traps["junk_client_share"]
    pick = rng.random(m)
    c_junk_field[buggy & (c_channel == WEB)] = JUNK_USER
    app = buggy & (c_channel == APP)
    c_junk_field[app] = np.where(pick[app] < 0.5, JUNK_ANON, JUNK_DEVICE)
    mp = buggy & (c_channel == MP)
    c_junk_field[mp] = np.where(pick[mp] < 0.5, JUNK_UNIONID, JUNK_ANON)
    # a buggy mini-program SDK sends a placeholder unionid until its first login round trip has
    # returned the real one (which it then sends from the second session on)
    c_auth_rank[(c_junk_field == JUNK_UNIONID) & (c_auth_rank == 0)] = 1
    c_junk_value = rng.integers(0, len(traps["junk_values"]), m).astype(np.int8)
    # an all-zero uuid only makes sense where a uuid is expected
    uuid_field = np.isin(c_junk_field, [JUNK_ANON, JUNK_DEVICE])
    c_junk_value[~uuid_field & (c_junk_value == 0)] = 1
    return {
        "c_person": c_person, "c_channel": c_channel, "c_profile": c_profile,
        "c_tz_utc": c_tz_utc, "c_locale": c_locale, "c_ip": c_ip,
        "c_login_rank": c_login_rank, "c_auth_rank": c_auth_rank,
        "c_junk_field": c_junk_field, "c_junk_value": c_junk_value,
        "c_shared": np.zeros(m, dtype=np.int8), "c_phone_only": np.zeros(m, dtype=bool),
        "c_weight": np.where(first_of_person, 2.0, 1.0) * np.where(c_channel == IOT, 0.0, 1.0),
        "profiles": profiles,
        "share_client": np.zeros(0, dtype=np.int32), "share_person": np.zeros(0, dtype=np.int32),
    }


def _plant_phone_links(cfg: GeneratorConfig, profile: Profile, p: Population) -> None:
    """CRM persons whose phone reaches the events only through an identify on another client."""
    rng = np.random.default_rng([cfg.seed, 2, 1])
    n_interactive = np.bincount(p.c_person[p.c_channel != IOT], minlength=p.n)
    cand = (p.in_crm & p.identified & p.has_phone & (n_interactive >= 2)
            & ~p.segments["fraud"])
    chosen = cand & (rng.random(p.n) < profile["traps"]["phone_link_share"])
    # the phone client: the last interactive client of the person, which then never logs in
    for_person = np.full(p.n, -1)
    inter = np.flatnonzero(p.c_channel != IOT)
    np.maximum.at(for_person, p.c_person[inter], inter)
    clients = for_person[chosen]
    p.c_phone_only[clients] = True
    p.c_login_rank[clients] = -1
    p.phone_link[:] = chosen


def _add_shared_clients(cfg: GeneratorConfig, profile: Profile, p: Population) -> None:
    rng = np.random.default_rng([cfg.seed, 2, 2])
    traps = profile["traps"]
    ok = p.identified & ~p.segments["fraud"] & ~p.segments["churner"] & ~p.phone_link
    has_web = np.zeros(p.n, dtype=bool)
    has_web[p.c_person[p.c_channel == WEB]] = True
    new_clients: list[tuple[int, int]] = []  # (channel, shared kind)
    members: list[tuple[int, int]] = []  # (new client ordinal, person)
    used = np.zeros(p.n, dtype=bool)

    def draw(k: int, extra: np.ndarray | None = None) -> np.ndarray:
        pool = np.flatnonzero(ok & ~used & (extra if extra is not None else True))
        got = rng.choice(pool, size=min(k, len(pool)), replace=False) if len(pool) else pool
        used[got] = True
        return got

    n_family = max(1, round(p.n * traps["family_tablet_share"]))
    for _ in range(n_family):
        got = draw(int(rng.integers(2, 4)))
        if len(got) >= 2:
            new_clients.append((APP, 1))
            members.extend((len(new_clients) - 1, int(q)) for q in got)
    n_kiosk = max(1, round(p.n / traps["kiosk_per_persons"]))
    lo, hi = traps["kiosk_users"]
    for _ in range(n_kiosk):
        got = draw(int(rng.integers(lo, hi + 1)))
        if len(got) >= 2:
            new_clients.append((APP, 2))
            members.extend((len(new_clients) - 1, int(q)) for q in got)
    n_cookie = max(1, round(p.n * traps["shared_cookie_share"]))
    for _ in range(n_cookie):
        got = draw(2, has_web)
        if len(got) == 2:
            new_clients.append((WEB, 3))
            members.extend((len(new_clients) - 1, int(q)) for q in got)
    # late merge: two grey profiles of one person, joined when the person finally logs in
    n_inter = np.bincount(p.c_person[p.c_channel != IOT], minlength=p.n)
    plain = ~p.segments["high_value"] & ~p.segments["near_conversion_dropout"]
    late = draw(int(traps["late_merge_persons"]), (n_inter >= 2) & plain)
    p.late_merge[late] = True

    k = len(new_clients)
    if not k:
        return
    base = p.n_clients
    ch = np.array([c for c, _ in new_clients], dtype=np.int8)
    shared_profile = len(p.profiles) - 1
    web_profile = 0
    p.c_person = np.concatenate([p.c_person, np.full(k, -1, dtype=np.int32)])
    p.c_channel = np.concatenate([p.c_channel, ch])
    p.c_profile = np.concatenate([p.c_profile, np.where(ch == WEB, web_profile, shared_profile)
                                  .astype(np.int16)])
    p.c_tz_utc = np.concatenate([p.c_tz_utc, np.zeros(k, dtype=bool)])
    p.c_locale = np.concatenate([p.c_locale, np.zeros(k, dtype=np.int8)])
    p.c_ip = np.concatenate([p.c_ip, (np.full(k, 116, dtype=np.uint32) << 24)
                             | rng.integers(1 << 8, 1 << 24, k, dtype=np.uint32)])
    p.c_login_rank = np.concatenate([p.c_login_rank, np.zeros(k, dtype=np.int32)])
    p.c_auth_rank = np.concatenate([p.c_auth_rank, np.full(k, -1, dtype=np.int32)])
    p.c_junk_field = np.concatenate([p.c_junk_field, np.zeros(k, dtype=np.int8)])
    p.c_junk_value = np.concatenate([p.c_junk_value, np.zeros(k, dtype=np.int8)])
    p.c_shared = np.concatenate([p.c_shared, np.array([s for _, s in new_clients], dtype=np.int8)])
    p.c_phone_only = np.concatenate([p.c_phone_only, np.zeros(k, dtype=bool)])
    p.c_weight = np.concatenate([p.c_weight, np.zeros(k)])
    p.share_client = np.array([base + c for c, _ in members], dtype=np.int32)
    p.share_person = np.array([q for _, q in members], dtype=np.int32)
