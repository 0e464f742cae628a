"""Identifier strings: cookies, app installs, device ids, WeChat ids, accounts, phones, emails.

Raw values are what clients and the CRM send (phones and emails in messy real formats); the
normalised values are what the ground truth records.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from orchestration.sample_data.config import GeneratorConfig
from orchestration.sample_data.encode import (
    concat_bytes,
    digits_bytes,
    fixed_to_arrow,
    hash64,
    hex_digits,
    uuid_bytes,
)
from orchestration.sample_data.people import APP, IOT, MP, WEB, Population

SURNAMES = [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
            ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
            ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"),
            ("何", "he"), ("林", "lin"), ("高", "gao"), ("罗", "luo")]
GIVEN = [("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"),
         ("强", "qiang"), ("磊", "lei"), ("洋", "yang"), ("艳", "yan"), ("勇", "yong"),
         ("军", "jun"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"), ("明", "ming"),
         ("超", "chao"), ("秀英", "xiuying"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"),
         ("桂英", "guiying"), ("婷", "ting"), ("雪", "xue"), ("浩然", "haoran"), ("宇轩", "yuxuan"),
         ("欣怡", "xinyi"), ("子涵", "zihan"), ("梓萱", "zixuan"), ("一诺", "yinuo")]
MAIL_DOMAINS = ["qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "sina.com",
                "foxmail.com", "hotmail.com"]
MOBILE_PREFIXES = [130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 155, 156, 157,
                   158, 159, 166, 176, 177, 180, 181, 182, 185, 186, 187, 188, 189, 199]
PHONE_FORMATS = 7


def format_phone(digits: str, style: int) -> str:
    """One of the ways people and systems write a Chinese mobile number."""
    a, b, c = digits[:3], digits[3:7], digits[7:]
    return [digits, f"{a} {b} {c}", f"+86-{digits}", f"86{digits}", f"+86 {a}-{b}-{c}",
            f"(+86){digits}", f"{a}-{b}-{c}"][style]


def normalize_phone(raw: str) -> str:
    digits = "".join(ch for ch in raw if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return f"+86{digits}"


def normalize_email(raw: str) -> str:
    return raw.strip().lower()


def messy_email(email: str, style: int) -> str:
    local, domain = email.split("@")
    return [email, f"{local.capitalize()}@{domain}", f" {email}", f"{local}@{domain.upper()}",
            f"{email} ", f"{local.upper()}@{domain}"][style]


@dataclass
class Identities:
    anon: pa.Array  # per client, null where the client has no anonymous id
    device: pa.Array
    openid: pa.Array
    unionid: pa.Array  # per person (WeChat account)
    ip: pa.Array
    user: pa.Array  # per person
    customer: pa.Array  # per person, null outside the CRM
    phone_digits: list[str | None]  # per person, 11 digits
    phone_traits: list[str | None]  # as typed into the app
    phone_crm: list[str | None]  # as keyed into the CRM
    email: list[str | None]  # normalised
    email_traits: list[str | None]
    email_crm: list[str | None]
    name: list[str | None]


def _prefixed(prefix: str, h: np.ndarray, n_digits: int, upper: bool = False) -> pa.Array:
    return fixed_to_arrow(concat_bytes(prefix, hex_digits(h, n_digits, upper)))


def build_identities(cfg: GeneratorConfig, pop: Population) -> Identities:
    seed = cfg.seed
    m = pop.n_clients
    idx = np.arange(m)
    ch = pop.c_channel
    os_name = np.array([p[1] for p in pop.profiles])[pop.c_profile]
    anon = fixed_to_arrow(uuid_bytes(seed, 11, idx), valid=np.isin(ch, [WEB, APP, MP]))
    ios = np.isin(os_name, ["iOS", "iPadOS"])
    idfv = fixed_to_arrow(uuid_bytes(seed, 12, idx, upper=True))
    android = _prefixed("", hash64(seed, 13, idx), 16)
    iot = _prefixed("SPK-", hash64(seed, 14, idx), 10, upper=True)
    device = pa.array(np.where(ch == APP, np.where(ios, idfv.to_numpy(zero_copy_only=False),
                                                   android.to_numpy(zero_copy_only=False)),
                               np.where(ch == IOT, iot.to_numpy(zero_copy_only=False), None)),
                      type=pa.string())
    # WeChat ids: 28 characters starting with "o"; the tail is a bijection of the client index
    h = hash64(seed, 15, idx)
    i64 = idx.astype(np.int64)
    tail = digits_bytes((i64 * 7_654_321 + 13 * seed + 424_242) % 10**9, 9)
    openid = fixed_to_arrow(concat_bytes("oWx", hex_digits(h, 16), tail), valid=ch == MP)
    # the unionid belongs to the WeChat account, so to the person: the same value in every
    # mini-program client and every WeChat login of one person (one open-platform account)
    p_idx = np.arange(pop.n, dtype=np.int64)
    h2 = hash64(seed, 16, p_idx)
    tail2 = digits_bytes((p_idx * 3_141_593 + 17 * seed + 271_828) % 10**9, 9)
    unionid = fixed_to_arrow(concat_bytes("oUn", hex_digits(h2, 16), tail2))
    ip_num = pop.c_ip.astype(np.int64)
    ip = pa.array([f"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}"
                   for a in ip_num.tolist()], type=pa.string())
    user = fixed_to_arrow(concat_bytes("u_", digits_bytes(pop.account, 7)))
    n_crm = int(pop.in_crm.sum())
    width = max(6, len(str(n_crm)))
    crm_numbers = np.zeros(pop.n, dtype=np.int64)
    crm_numbers[pop.in_crm] = 1 + np.arange(n_crm)
    customer = fixed_to_arrow(concat_bytes("C", digits_bytes(crm_numbers, width)),
                              valid=pop.in_crm)
    contacts = _contacts(cfg, pop)
    return Identities(anon=anon, device=device, openid=openid, unionid=unionid, ip=ip, user=user,
                      customer=customer, **contacts)


def _contacts(cfg: GeneratorConfig, pop: Population) -> dict[str, list[str | None]]:
    rng = np.random.default_rng([cfg.seed, 2, 9])
    n = pop.n
    prefix = np.array(MOBILE_PREFIXES)[rng.integers(0, len(MOBILE_PREFIXES), n)]
    # distinct 8-digit tails: an affine bijection of the person index
    tails = (np.arange(n, dtype=np.int64) * 48_271 + 12_345_679 + cfg.seed * 7919) % 100_000_000
    s_idx = rng.integers(0, len(SURNAMES), n)
    g_idx = rng.integers(0, len(GIVEN), n)
    t_style = rng.integers(0, PHONE_FORMATS, n)
    c_style = rng.integers(0, PHONE_FORMATS, n)
    e_t_style = rng.integers(0, 6, n)
    e_c_style = rng.integers(0, 6, n)
    domain = rng.integers(0, len(MAIL_DOMAINS), n)
    out: dict[str, list[str | None]] = {k: [None] * n for k in (
        "phone_digits", "phone_traits", "phone_crm", "email", "email_traits", "email_crm", "name")}
    # the CRM knows most of its members' phones, whether or not they type them into an app
    has_phone = (pop.has_phone | (pop.in_crm & (rng.random(n) < 0.85))).tolist()
    has_email = (pop.has_email | (pop.in_crm & (rng.random(n) < 0.5))).tolist()
    named = (pop.identified | pop.in_crm).tolist()
    for i in range(n):
        if named[i]:
            out["name"][i] = SURNAMES[s_idx[i]][0] + GIVEN[g_idx[i]][0]
        if has_phone[i]:
            digits = f"{prefix[i]}{tails[i]:08d}"
            out["phone_digits"][i] = digits
            out["phone_traits"][i] = format_phone(digits, int(t_style[i]))
            out["phone_crm"][i] = format_phone(digits, int(c_style[i]))
        if has_email[i]:
            email = f"{GIVEN[g_idx[i]][1]}.{SURNAMES[s_idx[i]][1]}{i}@{MAIL_DOMAINS[domain[i]]}"
            out["email"][i] = email
            out["email_traits"][i] = messy_email(email, int(e_t_style[i]))
            out["email_crm"][i] = messy_email(email, int(e_c_style[i]))
    return out
