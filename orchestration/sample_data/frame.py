"""The columnar event table every simulation step writes into: a dict of equal-length arrays."""

from __future__ import annotations

import numpy as np

# kinds: what happened. Kinds 0-6 are page views (type page on the web, screen in apps).
KINDS: list[tuple[str, str]] = [
    ("page", "Home"), ("page", "Search"), ("page", "Category"), ("page", "Product"),
    ("page", "Cart"), ("page", "Checkout"), ("page", "Order Success"),
    ("track", "search"), ("track", "view_item_list"), ("track", "view_item"),
    ("track", "add_to_cart"), ("track", "remove_from_cart"), ("track", "begin_checkout"),
    ("track", "purchase"), ("track", "login"), ("track", "sign_up"), ("track", "coupon_claim"),
    ("track", "share"), ("track", "ad_click"), ("track", "experiment_exposure"),
    ("track", "refund"), ("track", "membership_upgraded"), ("track", "device_heartbeat"),
    ("identify", ""),
]
(P_HOME, P_SEARCH, P_CATEGORY, P_PRODUCT, P_CART, P_CHECKOUT, P_SUCCESS, T_SEARCH, T_VIEW_LIST,
 T_VIEW_ITEM, T_ADD, T_REMOVE, T_BEGIN, T_PURCHASE, T_LOGIN, T_SIGNUP, T_COUPON, T_SHARE,
 T_AD_CLICK, T_EXPOSURE, T_REFUND, T_MEMBERSHIP, T_HEARTBEAT, IDENTIFY) = range(len(KINDS))
N_PAGE_KINDS = 7

# bad-row reasons; 0 = a good event. duplicate copies are recorded with their own reason.
BAD_REASONS = ["", "malformed_json", "missing_timestamp", "invalid_timestamp", "future_timestamp",
               "no_identifier", "unknown_type", "missing_message_id", "duplicate_message_id"]
DUPLICATE = BAD_REASONS.index("duplicate_message_id")
FUTURE = BAD_REASONS.index("future_timestamp")

SCHEMA: dict[str, tuple[type, int]] = {
    "person": (np.int32, -1),  # the true person (or the source person of a bad copy)
    "client": (np.int32, -1),
    "session": (np.int32, -1),
    "channel": (np.int8, 0),
    "kind": (np.int8, 0),
    "ts": (np.int64, 0),  # client time, epoch ms UTC
    "recv": (np.int64, 0),  # collector time, epoch ms UTC
    "user": (np.int32, -1),  # person whose user_id the event carries
    "unionid": (np.bool_, False),
    "junk": (np.int8, 0),  # 1 + junk value index, in the client's buggy field
    "page": (np.int32, -1),  # web page of the event (Pages index)
    "ref": (np.int32, -1),  # referrer (Pages.referrers index)
    "campaign": (np.int16, -1),
    "product": (np.int32, -1),
    "category": (np.int16, -1),
    "qty": (np.int8, 0),
    "order": (np.int32, -1),
    "coupon": (np.int8, -1),
    "variant": (np.int8, -1),
    "term": (np.int16, -1),
    "list": (np.int8, -1),
    "position": (np.int16, 0),
    "method": (np.int8, -1),
    "share": (np.int8, -1),
    "battery": (np.int8, -1),
    "level": (np.int8, -1),
    "traits": (np.int8, 0),  # 0 none, 1 login traits, 2 phone only
    "name_variant": (np.int8, 0),
    "uid": (np.int64, 0),  # message_id seed: equal only for duplicate deliveries
    "bad": (np.int8, 0),
    "late": (np.bool_, False),
    "tz_utc": (np.bool_, False),
}

Frame = dict[str, np.ndarray]


def empty(n: int, **values: np.ndarray | int) -> Frame:
    """A frame of n rows with defaults, overridden by the given columns (arrays or scalars)."""
    frame: Frame = {}
    for name, (dtype, default) in SCHEMA.items():
        value = values.pop(name, default)
        col = np.empty(n, dtype=dtype)
        col[:] = value
        frame[name] = col
    if values:
        raise KeyError(f"unknown frame columns {sorted(values)}")
    return frame


def concat(frames: list[Frame]) -> Frame:
    return {name: np.concatenate([f[name] for f in frames]) for name in SCHEMA}


def take(frame: Frame, idx: np.ndarray) -> Frame:
    return {name: col[idx] for name, col in frame.items()}


def size(frame: Frame) -> int:
    return len(frame["kind"])
