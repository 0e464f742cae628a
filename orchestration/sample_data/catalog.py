"""The shop: products in ~12 categories with lognormal prices, search terms, web pages."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import numpy as np

from orchestration.sample_data.config import GeneratorConfig, Profile

# Display names and search vocabulary per category; the category keys come from the profile.
CATEGORY_WORDS: dict[str, tuple[str, list[str]]] = {
    "electronics.smartphone": ("智能手机", ["手机", "5G手机", "拍照手机", "phone", "折叠屏"]),
    "electronics.laptop": ("笔记本电脑", ["笔记本", "轻薄本", "游戏本", "laptop"]),
    "electronics.audio": ("蓝牙耳机", ["耳机", "降噪耳机", "音箱", "earbuds"]),
    "appliances.kitchen": ("厨房电器", ["破壁机", "空气炸锅", "电饭煲", "咖啡机"]),
    "home.furniture": ("家具", ["沙发", "书桌", "床垫", "收纳柜"]),
    "beauty.skincare": ("护肤品", ["精华液", "面霜", "防晒", "面膜"]),
    "beauty.makeup": ("彩妆", ["口红", "粉底液", "眼影", "lipstick"]),
    "apparel.women": ("女装", ["连衣裙", "风衣", "毛衣", "dress"]),
    "apparel.men": ("男装", ["夹克", "衬衫", "卫衣", "jeans"]),
    "sports.outdoor": ("运动户外", ["登山鞋", "帐篷", "跑步鞋", "瑜伽垫"]),
    "food.snacks": ("零食", ["坚果", "巧克力", "牛肉干", "礼盒"]),
    "baby.care": ("母婴", ["纸尿裤", "奶瓶", "湿巾", "婴儿车"]),
}
BRANDS = ["星辰", "极光", "Nova", "Lumi", "青禾", "Orbit", "山川", "Kite", "云朵", "Pico"]

# Fixed web pages around the catalogue pages: (name, path, title)
PAGE_NAMES = ["Home", "Search", "Category", "Product", "Cart", "Checkout", "Order Success"]


@dataclass
class Catalog:
    categories: list[str]
    category_titles: list[str]
    product_ids: list[str]
    product_names: list[str]
    product_category: np.ndarray  # int16 per product; products are grouped by category ...
    price_cents: np.ndarray  # int64 ... and sorted by price inside a category
    popularity_cum: np.ndarray  # cumulative popularity over all products (global order)
    category_start: np.ndarray  # first product of each category (len = n_categories + 1)
    category_weights: np.ndarray
    terms: list[str]
    term_category: np.ndarray
    term_start: np.ndarray  # first term of each category (len = n_categories + 1)

    @property
    def n_products(self) -> int:
        return len(self.product_ids)

    def pick(self, rng: np.random.Generator, category: np.ndarray, band: np.ndarray) -> np.ndarray:
        """Popularity-weighted products of the given categories.

        band 0 = any price, 1 = cheaper half, 2 = dearer half of the category.
        """
        lo = self.category_start[category]
        hi = self.category_start[category + 1]
        mid = (lo + hi) // 2
        a = np.where(band == 2, mid, lo)
        b = np.where(band == 1, np.maximum(mid, lo + 1), hi)
        cum = np.concatenate([[0.0], self.popularity_cum])
        u = cum[a] + rng.random(len(category)) * (cum[b] - cum[a])
        picked = np.searchsorted(self.popularity_cum, u, side="right")
        return np.clip(picked, a, b - 1).astype(np.int32)

    def pick_term(self, rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
        lo = self.term_start[category]
        n = self.term_start[category + 1] - lo
        return (lo + (rng.random(len(category)) * n).astype(np.int64)).astype(np.int16)


def build_catalog(cfg: GeneratorConfig, profile: Profile) -> Catalog:
    rng = cfg.rng("catalog")
    spec = profile["catalog"]
    categories = list(spec["categories"])
    unknown = [c for c in categories if c not in CATEGORY_WORDS]
    if unknown:
        raise ValueError(f"no display words for categories {unknown}")
    shares = np.array([spec["categories"][c][0] for c in categories], dtype=float)
    shares /= shares.sum()
    counts = np.maximum(4, np.round(shares * spec["products"]).astype(int))

    ids: list[str] = []
    names: list[str] = []
    cat_of: list[np.ndarray] = []
    prices: list[np.ndarray] = []
    pops: list[np.ndarray] = []
    starts = [0]
    for ci, cat in enumerate(categories):
        _, median, sigma = spec["categories"][cat]
        n = int(counts[ci])
        raw = median * np.exp(rng.normal(0.0, sigma, n))
        # shop prices end in 9 or 9.9: round to a "marketing" price
        cents = np.where(raw >= 100, np.round(raw / 10) * 1000 - 100, np.round(raw) * 100 - 10)
        cents = np.sort(np.maximum(cents, 990)).astype(np.int64)
        prices.append(cents)
        pops.append(rng.pareto(1.2, n) + 0.05)  # a few best sellers, a long tail
        cat_of.append(np.full(n, ci, dtype=np.int16))
        noun = CATEGORY_WORDS[cat][0]
        for i in range(n):
            brand = BRANDS[int(rng.integers(len(BRANDS)))]
            names.append(f"{brand} {noun} {chr(65 + i % 26)}{10 + int(rng.integers(90))}")
        starts.append(starts[-1] + n)
    n_total = starts[-1]
    # product ids are shuffled numbers, so an id says nothing about category or price
    numbers = (np.arange(n_total) * 7919 + 100_003) % 1_000_000
    ids = [f"p_{int(x):06d}" for x in numbers]
    pop = np.concatenate(pops)
    terms: list[str] = []
    term_cat: list[int] = []
    term_start = [0]
    for ci, cat in enumerate(categories):
        for t in CATEGORY_WORDS[cat][1]:
            terms.append(t)
            term_cat.append(ci)
        term_start.append(len(terms))
    cat_weights = np.array([spec["categories"][c][0] for c in categories], dtype=float)
    return Catalog(
        categories=categories,
        category_titles=[CATEGORY_WORDS[c][0] for c in categories],
        product_ids=ids,
        product_names=names,
        product_category=np.concatenate(cat_of),
        price_cents=np.concatenate(prices),
        popularity_cum=np.cumsum(pop),
        category_start=np.array(starts, dtype=np.int64),
        category_weights=cat_weights / cat_weights.sum(),
        terms=terms,
        term_category=np.array(term_cat, dtype=np.int16),
        term_start=np.array(term_start, dtype=np.int64),
    )


@dataclass
class Pages:
    """Every web page a session can show, plus the referrer strings (pages + external)."""

    names: list[str]  # page / screen name per page
    paths: list[str]
    urls: list[str]
    titles: list[str]
    home: int
    search0: int
    category0: int
    product0: int
    cart: int
    checkout: int
    success: int
    landing0: int  # home page reached through campaign c: landing0 + c
    referrers: list[str]  # page urls first (same index), then external referrers
    external0: int


def build_pages(catalog: Catalog, profile: Profile) -> Pages:
    site = profile["catalog"]["site"].rstrip("/")
    shop = profile["catalog"]["site_name"]
    names: list[str] = []
    paths: list[str] = []
    titles: list[str] = []

    def add(name: str, path: str, title: str) -> int:
        names.append(name)
        paths.append(path)
        titles.append(title)
        return len(names) - 1

    home = add("Home", "/", f"{shop} - 首页")
    search0 = len(names)
    for term in catalog.terms:
        add("Search", f"/search?q={quote(term)}", f"搜索 {term} - {shop}")
    category0 = len(names)
    for cat, title in zip(catalog.categories, catalog.category_titles, strict=True):
        add("Category", f"/category/{cat}", f"{title} - {shop}")
    product0 = len(names)
    for pid, pname in zip(catalog.product_ids, catalog.product_names, strict=True):
        add("Product", f"/product/{pid}", f"{pname} - {shop}")
    cart = add("Cart", "/cart", f"购物车 - {shop}")
    checkout = add("Checkout", "/checkout", f"结算 - {shop}")
    success = add("Order Success", "/order/success", f"下单成功 - {shop}")
    landing0 = len(names)
    urls = [site + p for p in paths]
    for c in profile.campaigns:
        query = "&".join(
            f"utm_{k}={quote(str(c[k]))}"
            for k in ("source", "medium", "name", "term", "content")
            if c.get(k)
        ).replace("utm_name=", "utm_campaign=")
        names.append("Home")
        paths.append("/")
        titles.append(titles[home])
        urls.append(f"{site}/?{query}")
    external = [""]  # direct traffic: an empty referrer, as browsers send it
    external += list(profile["traffic"]["organic_referrers"])
    external += list(profile["traffic"]["referral_referrers"])
    external += [c["referrer"] for c in profile.campaigns]
    return Pages(
        names=names, paths=paths, urls=urls, titles=titles, home=home, search0=search0,
        category0=category0, product0=product0, cart=cart, checkout=checkout, success=success,
        landing0=landing0, referrers=urls + external, external0=len(urls),
    )
