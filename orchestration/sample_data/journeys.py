"""Sessions and the events inside them: when people visit, on which client, how far they get.

A session is a plan (depth in the funnel and how many of each step) turned into rows by blocks:
landing, browsing, login, search, list, item views, cart, checkout, purchase. Every block's rows
are written straight into their final position, so no sort is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.sample_data import frame as fr
from orchestration.sample_data.catalog import Catalog, Pages
from orchestration.sample_data.config import CHINA_OFFSET_MS, DAY_MS, GeneratorConfig, Profile
from orchestration.sample_data.orders import Orders
from orchestration.sample_data.people import APP, IOT, MP, WEB, Population

LISTS = ["search_results", "category_listing", "home_banner", "recommended"]
SHARE_TARGETS = ["wechat", "weibo", "qq", "copy_link"]
METHODS = ["password", "sms", "wechat", "apple"]
WECHAT_LOGIN = METHODS.index("wechat")

(B_LAND, B_BROWSE, B_LOGIN_EARLY, B_PHONE, B_AD, B_SEARCH, B_LIST, B_VIEW, B_SHARE, B_CART,
 B_COUPON, B_LOGIN_LATE, B_CHECKOUT, B_PURCHASE) = range(14)
N_BLOCKS = 14
HOUR_MS = 3_600_000


@dataclass
class Sessions:
    person: np.ndarray
    client: np.ndarray
    channel: np.ndarray
    start: np.ndarray
    protected: np.ndarray  # kept whatever the subsampling
    shared: np.ndarray
    campaign: np.ndarray
    ext_ref: np.ndarray  # external referrer of the landing page (Pages.referrers index)
    depth: np.ndarray  # 0 browse .. 5 purchase
    browse: np.ndarray  # extra browsing pages
    search: np.ndarray  # the list step starts with a search
    views: np.ndarray  # item views (when depth >= 2)
    rank: np.ndarray | None = None  # order of the session on its client
    login_rank: np.ndarray | None = None  # per client: session rank of the login, -1 never

    def subset(self, idx: np.ndarray) -> Sessions:
        return Sessions(**{k: (v[idx] if isinstance(v, np.ndarray) and k != "login_rank" else v)
                           for k, v in self.__dict__.items()})

    def __len__(self) -> int:
        return len(self.person)


def _expected_rows(fun: dict) -> float:
    reach = fun["reach"]
    return (1 + fun["browse_pages_mean"] + reach[1] * (2 + 2 * fun["search_share"])
            + reach[2] * 2 * (1 + fun["views_mean"]) + reach[3] * 3.2 + reach[4] * 3 + reach[5] * 2)


# rows of the small optional steps (share, coupon, remove, ad, login), per session, on average
SMALL_STEP_ROWS = 0.37


def _pick_per_person(rng: np.random.Generator, person: np.ndarray, eligible: np.ndarray,
                     need: np.ndarray) -> np.ndarray:
    """Up to need[p] random eligible sessions of each person p."""
    idx = np.flatnonzero(eligible & (need[person] > 0))
    if not len(idx):
        return idx
    order = np.lexsort((rng.random(len(idx)), person[idx]))
    idx = idx[order]
    p = person[idx]
    first = np.r_[0, np.flatnonzero(p[1:] != p[:-1]) + 1]
    within = np.arange(len(idx)) - np.repeat(first, np.diff(np.r_[first, len(idx)]))
    return idx[within < need[p]]


def plan_sessions(cfg: GeneratorConfig, profile: Profile, pop: Population, pages: Pages,
                  target_rows: int) -> Sessions:
    rng = cfg.rng("sessions")
    days = cfg.days
    act = profile["activity"]
    fun = profile["funnel"]
    churn = pop.churn
    end_p = np.where(np.isnan(churn), days, churn)
    length = np.maximum(end_p - pop.arrive, 0.05)
    lam = pop.weight * length / days
    scale = target_rows * 1.5 / _expected_rows(fun) / lam.sum()
    counts = 1 + rng.poisson(lam * scale)
    person = np.repeat(np.arange(pop.n, dtype=np.int32), counts)
    s = len(person)
    protected = np.zeros(s, dtype=bool)
    protected[np.r_[0, np.cumsum(counts)[:-1]]] = True

    # when: uniform over the person's window
    u = rng.random(s)
    a = pop.arrive[person]
    e = end_p[person]
    is_churner = ~np.isnan(churn[person])
    # churners: density falls as (churn - t) ** power, so activity fades out before the date
    power = profile["segments"]["churn_fade_power"]
    t = np.where(is_churner, e - (e - a) * u ** (1.0 / (power + 1.0)), a + u * (e - a))
    start = _time_of_day(cfg, rng, act, cfg.start_ms + (t * DAY_MS).astype(np.int64))

    # on which of the person's own clients: a primary one most of the time
    inter = np.flatnonzero((pop.c_channel != IOT) & (pop.c_person >= 0))
    n_inter = np.bincount(pop.c_person[inter], minlength=pop.n)
    first_inter = np.zeros(pop.n, dtype=np.int64)
    owners, first_at = np.unique(pop.c_person[inter], return_index=True)
    first_inter[owners] = inter[first_at]
    primary = (rng.random(pop.n) * n_inter).astype(np.int64)
    k = n_inter[person]
    offset = np.where(rng.random(s) < 0.55, primary[person], (rng.random(s) * k).astype(np.int64))
    client = (first_inter[person] + offset).astype(np.int32)

    # shared family tablets and browsers take part of their members' sessions
    member_of = np.full(pop.n, -1, dtype=np.int64)
    member_of[pop.share_person] = pop.share_client
    mc = member_of[person]
    kind = np.where(mc >= 0, pop.c_shared[np.maximum(mc, 0)], 0)
    movable = (kind == 1) | (kind == 3)
    move = movable & ((rng.random(s) < 0.35) | protected)
    client[move] = mc[move]
    # kiosk sessions are extra visits to a store
    kiosk = np.flatnonzero(pop.c_shared[pop.share_client] == 2)
    kp = pop.share_person[kiosk]
    kc = pop.share_client[kiosk]
    kn = rng.integers(1, 3, len(kp))
    kp, kc = np.repeat(kp, kn), np.repeat(kc, kn)
    kday = np.floor(rng.random(len(kp)) * days)
    ktod = (10 + rng.random(len(kp)) * 11) * HOUR_MS
    kstart = (cfg.start_ms + kday * DAY_MS + ktod - CHINA_OFFSET_MS).astype(np.int64)
    kstart = np.where(kstart < cfg.start_ms, kstart + DAY_MS, kstart)
    person = np.concatenate([person, kp]).astype(np.int32)
    client = np.concatenate([client, kc]).astype(np.int32)
    start = np.concatenate([start, kstart])
    protected = np.concatenate([protected, np.ones(len(kp), dtype=bool)])
    s = len(person)
    channel = pop.c_channel[client]
    shared = pop.c_shared[client] > 0
    # churners never start a session in the last hour before their churn date
    churn_ms = cfg.start_ms + np.nan_to_num(churn[person], nan=days * 2) * DAY_MS
    keep = start < churn_ms - HOUR_MS
    campaign, ext_ref = _traffic(rng, profile, pages, channel, shared)
    depth = _depth(rng, profile, pop, person, client)
    active = pop.segments["active_browser"][person]
    browse = rng.poisson(np.where(active, 2.5, fun["browse_pages_mean"])).astype(np.int32)
    search = rng.random(s) < fun["search_share"]
    views = np.where(active, 2 + rng.poisson(4.0, s), 1 + rng.poisson(fun["views_mean"], s))
    sess = Sessions(person=person, client=client, channel=channel, start=start,
                    protected=protected, shared=shared, campaign=campaign, ext_ref=ext_ref,
                    depth=depth, browse=browse, search=search, views=views.astype(np.int32))
    sess = sess.subset(np.flatnonzero(keep))
    sess = _subsample(rng, sess, fun, target_rows)
    order = np.lexsort((sess.start, sess.client))
    sess = sess.subset(order)
    _force_depths(cfg, rng, profile, pop, sess)
    return sess


def _time_of_day(cfg: GeneratorConfig, rng: np.random.Generator, act: dict,
                 ms: np.ndarray) -> np.ndarray:
    """Keep the (China-local) day of each instant but redraw its hour from the daily rhythm."""
    hw = np.asarray(act["hour_weights"], dtype=float)
    local_day = np.floor_divide(ms + CHINA_OFFSET_MS, DAY_MS)
    hour = rng.choice(24, len(ms), p=hw / hw.sum())
    tod = ((hour + rng.random(len(ms))) * HOUR_MS).astype(np.int64)
    start = local_day * DAY_MS + tod - CHINA_OFFSET_MS
    # wrap what the local-day shift pushed outside the window back into it
    span = cfg.end_ms - cfg.start_ms
    rel = np.mod(start - cfg.start_ms, span)
    rel = np.where(rel >= span - HOUR_MS, rel - HOUR_MS, rel)
    return cfg.start_ms + rel


def _traffic(rng: np.random.Generator, profile: Profile, pages: Pages, channel: np.ndarray,
             shared: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    tr = profile["traffic"]
    s = len(channel)
    n_org = len(tr["organic_referrers"])
    n_ref = len(tr["referral_referrers"])
    cw = np.array([c["weight"] for c in profile.campaigns], dtype=float)
    campaign = np.full(s, -1, dtype=np.int16)
    ext = np.zeros(s, dtype=np.int64)  # 0 = direct
    u = rng.random(s)
    pick_campaign = rng.choice(len(cw), s, p=cw / cw.sum())
    for ch, name in ((WEB, "web"), (APP, "app"), (MP, "miniprogram")):
        mix = tr[name]
        sel = (channel == ch) & ~shared
        d, o = mix.get("direct", 0), mix.get("organic", 0)
        r = mix.get("referral", 0)
        total = d + o + r + mix.get("campaign", 0)
        lo_o, lo_r, lo_c = d / total, (d + o) / total, (d + o + r) / total
        org = sel & (u >= lo_o) & (u < lo_r)
        ref = sel & (u >= lo_r) & (u < lo_c)
        cam = sel & (u >= lo_c)
        ext[org] = 1 + rng.integers(0, n_org, int(org.sum()))
        ext[ref] = 1 + n_org + rng.integers(0, n_ref, int(ref.sum()))
        campaign[cam] = pick_campaign[cam]
        ext[cam] = 1 + n_org + n_ref + pick_campaign[cam]
    return campaign, (pages.external0 + ext).astype(np.int32)


def _depth(rng: np.random.Generator, profile: Profile, pop: Population, person: np.ndarray,
           client: np.ndarray) -> np.ndarray:
    fun = profile["funnel"]
    reach = np.asarray(fun["reach"], dtype=float)
    cond = np.tile(reach[1:] / reach[:-1], (len(person), 1))
    for seg, mult in fun["segment_step_multipliers"].items():
        has = pop.segments[seg][person]
        cond[has] *= np.asarray(mult, dtype=float)
    # the treatment button works after the cart (where exposure happens): checkout and purchase
    lift = np.where(pop.variant[person] == 1, 1.0 + profile["experiment"]["purchase_lift"], 1.0)
    cond[:, 3] *= lift
    cond[:, 4] *= lift
    ok = rng.random(cond.shape) < np.minimum(cond, 0.97)
    depth = np.cumprod(ok, axis=1).sum(axis=1).astype(np.int8)
    # no account, no checkout: grey persons and clients that never log in stop at the cart
    cap = np.full(len(person), 5, dtype=np.int8)
    cap[~pop.identified[person] | pop.c_phone_only[client] | pop.late_merge[person]] = 3
    cap[pop.segments["near_conversion_dropout"][person]] = np.minimum(
        cap[pop.segments["near_conversion_dropout"][person]], 4)
    return np.minimum(depth, cap)


def session_rows_estimate(sess: Sessions) -> np.ndarray:
    """Rows of each session but for the small optional steps (decided later)."""
    d = sess.depth
    return (1 + sess.browse + 2 * (d >= 1) * (1 + sess.search) + 2 * (d >= 2) * sess.views
            + 3 * (d >= 3) + 2 * (d >= 4) + 2 * (d >= 5) + SMALL_STEP_ROWS)


def _subsample(rng: np.random.Generator, sess: Sessions, fun: dict, target_rows: int) -> Sessions:
    est = session_rows_estimate(sess)
    fixed = est[sess.protected].sum()
    free = np.flatnonzero(~sess.protected)
    free = free[rng.permutation(len(free))]
    cum = np.cumsum(est[free])
    keep_free = free[: int(np.searchsorted(cum, max(target_rows - fixed, 0)))]
    keep = np.sort(np.concatenate([np.flatnonzero(sess.protected), keep_free]))
    return sess.subset(keep)


def _force_depths(cfg: GeneratorConfig, rng: np.random.Generator, profile: Profile,
                  pop: Population, sess: Sessions) -> None:
    """Make the planted segments show: dropouts reach checkout, high-value persons buy."""
    safe = (~sess.shared & ~pop.c_phone_only[sess.client]
            & (sess.start < cfg.end_ms - min(2, cfg.days / 3) * DAY_MS))
    person = sess.person
    dropout = pop.segments["near_conversion_dropout"]
    has_checkout = np.zeros(pop.n, dtype=bool)
    has_checkout[person[sess.depth >= 4]] = True
    need = (dropout & ~has_checkout).astype(np.int64)
    sess.depth[_pick_per_person(rng, person, safe & (sess.depth < 4), need)] = 4
    high = pop.segments["high_value"]
    bought = np.bincount(person[sess.depth >= 5], minlength=pop.n)
    need = np.where(high, np.maximum(profile["funnel"]["high_value_min_purchases"] - bought, 0), 0)
    sess.depth[_pick_per_person(rng, person, safe & (sess.depth < 5), need)] = 5


def assign_logins(cfg: GeneratorConfig, pop: Population, sess: Sessions) -> None:
    """Rank sessions per client and decide in which session each client logs in."""
    client = sess.client
    n = len(sess)
    new_client = np.r_[True, client[1:] != client[:-1]]
    starts = np.flatnonzero(new_client)
    sess.rank = (np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))).astype(np.int32)
    big = np.int32(1 << 30)
    login_rank = np.where(pop.c_login_rank >= 0, pop.c_login_rank, big).astype(np.int32)
    # a late merge: the person logs in only in the last session of two of their clients
    last_rank = np.full(pop.n_clients, -1, dtype=np.int32)
    np.maximum.at(last_rank, client, sess.rank)
    # a client that logs in does so inside the window: at its designated session, or at its
    # last one when it has fewer sessions (else extra_login_share would depend on activity)
    login_rank = np.where(login_rank < big, np.minimum(login_rank, np.maximum(last_rank, 0)),
                          big).astype(np.int32)
    for p in np.flatnonzero(pop.late_merge):
        own = np.flatnonzero((pop.c_person == p) & (last_rank >= 0) & (pop.c_channel != IOT))
        login_rank[own] = big
        login_rank[own[:2]] = last_rank[own[:2]]
    # checkout needs an account: the first checkout on a client of an identified person logs in
    checkout = np.flatnonzero((sess.depth >= 4) & pop.identified[sess.person] & ~sess.shared)
    np.minimum.at(login_rank, client[checkout], sess.rank[checkout])
    sess.login_rank = np.where(login_rank == big, -1, login_rank).astype(np.int32)


def _choice(rng: np.random.Generator, n: int, probs: list[float]) -> np.ndarray:
    p = np.asarray(probs, dtype=float)
    return rng.choice(len(p), n, p=p / p.sum()).astype(np.int8)


@dataclass
class SessionRows:
    frame: fr.Frame
    kept_sessions: np.ndarray  # sessions that survived the push past the end of the window
    exposed_both: np.ndarray  # persons planted with exposures in both variants


def build_session_rows(cfg: GeneratorConfig, profile: Profile, pop: Population,
                       catalog: Catalog, pages: Pages, sess: Sessions,
                       orders: Orders) -> SessionRows:
    rng = cfg.rng("rows")
    fun = profile["funnel"]
    s = len(sess)
    person, client, depth, rank = sess.person, sess.client, sess.depth, sess.rank
    seg = pop.segments
    assert sess.login_rank is not None and rank is not None

    exposed_both, flip_client = _plant_both_variants(cfg, rng, profile, pop, sess)
    depth = sess.depth

    # --- what each session contains --------------------------------------------------------
    browse = sess.browse
    has_search = (depth >= 1) & sess.search
    views = np.where(depth >= 2, sess.views, 0)
    has_cart = depth >= 3
    has_checkout = depth >= 4
    has_purchase = depth >= 5
    has_remove = has_cart & ~has_checkout & (rng.random(s) < fun["remove_from_cart_share"])
    price_sensitive = seg["price_sensitive"][person]
    cu = fun["coupon_use"]
    uses_coupon = has_checkout & (rng.random(s) < np.where(price_sensitive, cu["price_sensitive"],
                                                           cu["other"]))
    has_coupon = uses_coupon | ((depth >= 1) & (rng.random(s) < 0.02))
    has_share = (depth >= 2) & (rng.random(s) < fun["share_share"])
    has_ad = (sess.channel == APP) & (rng.random(s) < fun["ad_click_share"])
    lr = sess.login_rank[client]
    login_here = sess.shared | ((lr >= 0) & (rank == lr))
    login_late = login_here & has_checkout & ~sess.shared
    # sign_up: the first login of a person who joined during the window
    signup = np.zeros(s, dtype=bool)
    cand = np.flatnonzero(login_here & pop.new_signup[person])
    if len(cand):
        o = cand[np.lexsort((sess.start[cand], person[cand]))]
        first = np.r_[True, person[o][1:] != person[o][:-1]]
        signup[o[first]] = True
    phone_identify = pop.c_phone_only[client] & (rank == 0)
    exposure_variant = np.where(has_cart, pop.variant[person], -1).astype(np.int8)
    flip = has_cart & (flip_client[person] == client) & ((lr < 0) | (rank < lr))
    exposure_variant[flip] = 1 - exposure_variant[flip]

    login_size = 2 + signup
    sizes = np.zeros((s, N_BLOCKS), dtype=np.int32)
    sizes[:, B_LAND] = 1
    sizes[:, B_BROWSE] = browse
    sizes[:, B_LOGIN_EARLY] = np.where(login_here & ~login_late, login_size, 0)
    sizes[:, B_PHONE] = phone_identify
    sizes[:, B_AD] = has_ad
    sizes[:, B_SEARCH] = 2 * has_search
    sizes[:, B_LIST] = 2 * (depth >= 1)
    sizes[:, B_VIEW] = 2 * views
    sizes[:, B_SHARE] = has_share
    sizes[:, B_CART] = np.where(has_cart, 3 + has_remove, 0)
    sizes[:, B_COUPON] = has_coupon
    sizes[:, B_LOGIN_LATE] = np.where(login_late, login_size, 0)
    sizes[:, B_CHECKOUT] = 2 * has_checkout
    sizes[:, B_PURCHASE] = 2 * has_purchase
    off = np.cumsum(sizes, axis=1) - sizes
    n_rows = sizes.sum(axis=1)
    row_start = np.r_[0, np.cumsum(n_rows)[:-1]].astype(np.int64)
    total = int(n_rows.sum())
    sid = np.repeat(np.arange(s, dtype=np.int32), n_rows)
    f = fr.empty(total, person=person[sid], client=client[sid], session=sid,
                 channel=sess.channel[sid], tz_utc=pop.c_tz_utc[client[sid]])
    block = np.zeros(total, dtype=np.int8)
    first_in_block = np.zeros(total, dtype=bool)

    def put(sel: np.ndarray, blk: int, at: np.ndarray | int, kind: int, first: bool = True,
            **cols: np.ndarray | int) -> np.ndarray:
        pos = row_start[sel] + off[sel, blk] + at
        f["kind"][pos] = kind
        block[pos] = blk
        first_in_block[pos] = first
        for name, value in cols.items():
            f[name][pos] = value
        return pos

    def reps(count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sel = np.repeat(np.arange(s), count)
        starts = np.r_[0, np.cumsum(count)[:-1]]
        return sel, np.arange(len(sel)) - np.repeat(starts, count)

    all_s = np.arange(s)
    # session category: the person's favourite, their second, or anything
    u = rng.random(s)
    scat = np.where(u < profile["catalog"]["session_category_primary"], pop.cat1[person],
                    np.where(u < profile["catalog"]["session_category_primary"]
                             + profile["catalog"]["session_category_secondary"],
                             pop.cat2[person], _choice(rng, s, list(catalog.category_weights))))
    scat = scat.astype(np.int64)
    term = catalog.pick_term(rng, scat)

    landing = np.where((sess.channel == WEB) & (sess.campaign >= 0),
                       pages.landing0 + sess.campaign, pages.home)
    put(all_s, B_LAND, 0, fr.P_HOME, page=landing)
    sel, r = reps(browse)
    bcat = np.where(rng.random(len(sel)) < 0.5, scat[sel],
                    _choice(rng, len(sel), list(catalog.category_weights)))
    put(sel, B_BROWSE, r, fr.P_CATEGORY, page=pages.category0 + bcat, category=bcat)

    login_methods = profile["population"]["login_methods"]
    assert list(login_methods) == METHODS, login_methods
    method = np.where(sess.channel == MP, WECHAT_LOGIN,
                      _choice(rng, s, list(login_methods.values())))
    for blk, mask in ((B_LOGIN_EARLY, login_here & ~login_late), (B_LOGIN_LATE, login_late)):
        sel = np.flatnonzero(mask)
        put(sel, blk, 0, fr.IDENTIFY, traits=1)
        su = sel[signup[sel]]
        put(su, blk, 1, fr.T_SIGNUP, first=False, method=method[su])
        put(sel, blk, 1 + signup[sel], fr.T_LOGIN, first=False, method=method[sel])
    sel = np.flatnonzero(phone_identify)
    put(sel, B_PHONE, 0, fr.IDENTIFY, traits=2)
    sel = np.flatnonzero(has_ad)
    put(sel, B_AD, 0, fr.T_AD_CLICK, list=2, position=rng.integers(1, 6, len(sel)))
    sel = np.flatnonzero(has_search)
    put(sel, B_SEARCH, 0, fr.T_SEARCH, term=term[sel])
    put(sel, B_SEARCH, 1, fr.P_SEARCH, first=False, page=pages.search0 + term[sel])
    sel = np.flatnonzero(depth >= 1)
    list_code = np.where(has_search, 0, 1)
    put(sel, B_LIST, 0, fr.P_CATEGORY, page=pages.category0 + scat[sel], category=scat[sel])
    put(sel, B_LIST, 1, fr.T_VIEW_LIST, first=False, category=scat[sel], list=list_code[sel])

    # item views stay mostly in the session category: co-views carry a signal
    sel, r = reps(views)
    vcat = np.where(rng.random(len(sel)) < profile["catalog"]["same_category_view"], scat[sel],
                    _choice(rng, len(sel), list(catalog.category_weights)))
    pband = pop.band[person[sel]]
    band = np.where((pband == 1) & (rng.random(len(sel)) < 0.8), 1,
                    np.where((pband == 2) & (rng.random(len(sel)) < 0.7), 2, 0))
    prod = catalog.pick(rng, vcat.astype(np.int64), band)
    position = np.minimum(1 + rng.geometric(0.25, len(sel)), 40)
    put(sel, B_VIEW, 2 * r, fr.P_PRODUCT, page=pages.product0 + prod)
    put(sel, B_VIEW, 2 * r + 1, fr.T_VIEW_ITEM, first=False, product=prod,
        category=catalog.product_category[prod], list=list_code[sel], position=position)
    last_view = np.full(s, -1, dtype=np.int64)
    is_last = r == views[sel] - 1
    last_view[sel[is_last]] = prod[is_last]
    sel = np.flatnonzero(has_share)
    put(sel, B_SHARE, 0, fr.T_SHARE, product=last_view[sel],
        category=catalog.product_category[last_view[sel]],
        share=_choice(rng, len(sel), [0.6, 0.15, 0.15, 0.1]))

    qty = 1 + _choice(rng, s, fun["quantity_weights"]).astype(np.int64)
    qty += (seg["high_value"][person] & (rng.random(s) < 0.3)).astype(np.int64)
    sel = np.flatnonzero(has_cart)
    cprod = last_view[sel]
    ccat = catalog.product_category[cprod]
    put(sel, B_CART, 0, fr.T_ADD, product=cprod, category=ccat, qty=qty[sel])
    put(sel, B_CART, 1, fr.P_CART, first=False, page=pages.cart)
    put(sel, B_CART, 2, fr.T_EXPOSURE, first=False, variant=exposure_variant[sel])
    rm = sel[has_remove[sel]]
    put(rm, B_CART, 3, fr.T_REMOVE, first=False, product=last_view[rm],
        category=catalog.product_category[last_view[rm]], qty=qty[rm])
    n_coupons = len(profile["funnel"]["coupons"])
    coupon = rng.integers(0, n_coupons, s).astype(np.int8)
    sel = np.flatnonzero(has_coupon)
    put(sel, B_COUPON, 0, fr.T_COUPON, coupon=coupon[sel])
    session_coupon = np.where(uses_coupon, coupon, -1).astype(np.int8)
    sel = np.flatnonzero(has_checkout)
    put(sel, B_CHECKOUT, 0, fr.P_CHECKOUT, page=pages.checkout)
    put(sel, B_CHECKOUT, 1, fr.T_BEGIN, first=False, product=last_view[sel],
        category=catalog.product_category[last_view[sel]], qty=qty[sel],
        coupon=session_coupon[sel])
    sel = np.flatnonzero(has_purchase)
    order_idx = orders.add(person=person[sel], product=last_view[sel], qty=qty[sel],
                           coupon=session_coupon[sel])
    purchase_pos = put(sel, B_PURCHASE, 0, fr.T_PURCHASE, product=last_view[sel],
                       category=catalog.product_category[last_view[sel]], qty=qty[sel],
                       order=order_idx, coupon=session_coupon[sel])
    put(sel, B_PURCHASE, 1, fr.P_SUCCESS, first=False, page=pages.success)

    # --- who the event says it is -------------------------------------------------------------
    rank_r = rank[sid]
    lr_r = lr[sid]
    shared_r = sess.shared[sid]
    login_blk = np.where(login_late, B_LOGIN_LATE, B_LOGIN_EARLY)[sid]
    logged = (~shared_r & (lr_r >= 0) & (rank_r > lr_r)) | (login_here[sid] & (block >= login_blk))
    f["user"] = np.where(logged, f["person"], -1).astype(np.int32)
    ar = pop.c_auth_rank[f["client"]]
    f["unionid"] = (ar >= 0) & (rank_r >= ar)  # from the first event of session ar on
    # a WeChat login on the app (open-platform mobile app) or the web (QR code website login)
    # returns the same unionid as the mini program: the identify and login events carry it
    wechat_login = (login_here & ~sess.shared & (method == WECHAT_LOGIN)
                    & np.isin(sess.channel, [APP, WEB]))[sid]
    f["unionid"] |= wechat_login & ((block == B_LOGIN_EARLY) | (block == B_LOGIN_LATE))

    # --- web pages: the current page of every event and where it came from --------------------
    web = f["channel"] == WEB
    is_page = f["kind"] < fr.N_PAGE_KINDS
    last_page = np.maximum.accumulate(np.where(is_page, np.arange(total), 0))
    page_rows = np.flatnonzero(is_page)
    prev = np.r_[-1, page_rows[:-1]]
    same = (prev >= 0) & (sid[np.maximum(prev, 0)] == sid[page_rows])
    ref_of = np.full(total, -1, dtype=np.int32)
    ref_of[page_rows] = np.where(same, f["page"][np.maximum(prev, 0)], sess.ext_ref[sid[page_rows]])
    f["page"] = np.where(web, f["page"][last_page], -1).astype(np.int32)
    f["ref"] = np.where(web, ref_of[last_page], -1).astype(np.int32)
    f["campaign"] = sess.campaign[sid]

    # --- time: seconds between clicks, fractions of a second inside one step -----------------
    act = profile["activity"]
    gap = np.where(first_in_block,
                   np.minimum(rng.lognormal(np.log(act["event_gap_median_s"] * 1000),
                                            act["event_gap_sigma"], total),
                              act["event_gap_max_s"] * 1000),
                   200 + rng.random(total) * 2300).astype(np.int64)
    gap[row_start] = 0
    cum = np.cumsum(gap)
    rel = cum - cum[row_start][sid]
    duration = rel[row_start + n_rows - 1]
    start = _push_apart(sess.client, sess.start, duration,
                        act["min_session_gap_minutes"] * 60_000)
    f["ts"] = start[sid] + rel
    # a session pushed past the end of the window (or a churn date) never happened
    churn = pop.churn[person]
    limit = np.where(np.isnan(churn), cfg.end_ms,
                     cfg.start_ms + np.nan_to_num(churn, nan=0) * DAY_MS - HOUR_MS)
    kept = start < np.minimum(limit, cfg.end_ms - 600_000)
    row_keep = kept[sid] & (f["ts"] < np.where(np.isnan(churn), cfg.end_ms,
                                                cfg.start_ms + np.nan_to_num(churn) * DAY_MS)[sid])
    # orders whose purchase fell outside the window are marked dead (ts -1)
    orders.set_ts(order_idx, np.where(row_keep[purchase_pos], f["ts"][purchase_pos], -1))
    f = fr.take(f, np.flatnonzero(row_keep))
    return SessionRows(frame=f, kept_sessions=kept, exposed_both=exposed_both)


def _push_apart(client: np.ndarray, start: np.ndarray, duration: np.ndarray,
                min_gap: int) -> np.ndarray:
    """Delay sessions so that a client's sessions never overlap (sessions sorted by client, start).

    new_i = max(start_i, new_{i-1} + duration_{i-1} + gap), solved as a grouped running max.
    """
    n = len(start)
    new_client = np.r_[True, client[1:] != client[:-1]]
    group = np.cumsum(new_client) - 1
    step = duration + min_gap
    cum = np.cumsum(step) - step  # exclusive cumulative step
    cum = cum - cum[np.flatnonzero(new_client)][group]
    big = np.int64(1) << np.int64(42)
    base = start.min() if n else 0
    v = (start - base - cum) + group.astype(np.int64) * big
    v = np.maximum.accumulate(v) - group.astype(np.int64) * big
    return v + cum + base


def _plant_both_variants(cfg: GeneratorConfig, rng: np.random.Generator, profile: Profile,
                         pop: Population, sess: Sessions) -> tuple[np.ndarray, np.ndarray]:
    """A few persons see both variants: assignment used the anonymous client before login.

    Picks persons with pre-login sessions on two of their clients, makes sure one such session
    on each reaches the cart, and returns (chosen persons, per person the client whose pre-login
    exposures show the other variant).
    """
    assert sess.login_rank is not None and sess.rank is not None
    lr = sess.login_rank[sess.client]
    pre = (~sess.shared & ((lr < 0) | (sess.rank < lr)) & (sess.channel != IOT)
           & (sess.start < cfg.end_ms - min(1.0, cfg.days / 4) * DAY_MS))
    flip_client = np.full(pop.n, -1, dtype=np.int64)
    idx = np.flatnonzero(pre)
    if not len(idx):
        return np.zeros(0, dtype=np.int32), flip_client
    n_c = pop.n_clients
    key, first = np.unique(sess.person[idx].astype(np.int64) * n_c + sess.client[idx],
                           return_index=True)
    person, client, first_session = key // n_c, key % n_c, idx[first]
    per_person = np.bincount(person, minlength=pop.n)
    cands = np.flatnonzero(per_person >= 2)
    carts = np.bincount(person[sess.depth[first_session] >= 3], minlength=pop.n)
    exposed = np.count_nonzero(np.bincount(sess.person[sess.depth >= 3], minlength=pop.n))
    k = min(len(cands), max(2, round(profile["experiment"]["exposed_both"] * exposed)))
    # prefer persons who already reach the cart on both clients
    order = np.lexsort((rng.random(len(cands)), -np.minimum(carts[cands], 2)))
    chosen = np.sort(cands[order[:k]])
    pick = np.isin(person, chosen)
    starts = np.r_[True, person[pick][1:] != person[pick][:-1]]
    rank_in_person = np.arange(int(pick.sum())) - np.maximum.accumulate(
        np.where(starts, np.arange(int(pick.sum())), 0))
    two = rank_in_person < 2
    bump = first_session[pick][two]
    sess.depth[bump] = np.maximum(sess.depth[bump], 3)
    second = rank_in_person == 1
    flip_client[person[pick][second]] = client[pick][second]
    return chosen.astype(np.int32), flip_client
