"""Orders: one row per purchase (online, fraud burst or store), referenced by events."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from orchestration.sample_data.catalog import Catalog

COLUMNS = ("person", "product", "qty", "coupon", "store", "ts")


@dataclass
class Orders:
    coupon_kind: np.ndarray  # per coupon code: 0 amount off, 1 percent off
    coupon_value: np.ndarray
    parts: dict[str, list[np.ndarray]] = field(default_factory=lambda: {c: [] for c in COLUMNS})
    n: int = 0

    def add(self, **cols: np.ndarray) -> np.ndarray:
        """Append orders; returns their indices."""
        k = len(cols["person"])
        for name in COLUMNS:
            default = -1 if name in ("coupon", "store") else 0
            self.parts[name].append(np.asarray(cols.get(name, np.full(k, default))))
        idx = np.arange(self.n, self.n + k, dtype=np.int32)
        self.n += k
        return idx

    def col(self, name: str) -> np.ndarray:
        return np.concatenate(self.parts[name]) if self.parts[name] else np.zeros(0)

    def set_ts(self, idx: np.ndarray, ts: np.ndarray) -> None:
        all_ts = self.col("ts").astype(np.int64)
        all_ts[idx] = ts
        self.parts["ts"] = [all_ts]

    def amounts(self, catalog: Catalog) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(price, discount, revenue) in cents per order."""
        product = self.col("product").astype(np.int64)
        qty = self.col("qty").astype(np.int64)
        coupon = self.col("coupon").astype(np.int64)
        price = catalog.price_cents[product] if len(product) else np.zeros(0, dtype=np.int64)
        gross = price * qty
        has = coupon >= 0
        c = np.where(has, coupon, 0)
        value = self.coupon_value[c]
        off = np.where(self.coupon_kind[c] == 1, gross * value // 100, value * 100)
        discount = np.where(has, np.minimum(off, gross // 2), 0)
        return price, discount, gross - discount
