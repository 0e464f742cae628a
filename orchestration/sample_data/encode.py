"""Vectorised text building blocks: hashes, hex ids, ISO timestamps, numpy bytes -> Arrow.

Everything here works on whole numpy arrays; no per-row Python, which is what keeps ten million
events inside the time budget.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
HEX_UPPER = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def splitmix64(x: np.ndarray) -> np.ndarray:
    z = np.asarray(x, dtype=np.uint64) + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def hash64(seed: int, domain: int, idx: np.ndarray) -> np.ndarray:
    """A deterministic 64-bit hash of (seed, domain, idx): ids that depend on nothing else."""
    base = splitmix64(np.array([(seed * 1_000_003 + domain) & 0xFFFFFFFFFFFF], dtype=np.uint64))
    return splitmix64(splitmix64(np.asarray(idx, dtype=np.uint64) ^ base[0]))


def _pair_table(alphabet: np.ndarray) -> np.ndarray:
    # byte value -> its two hex digits, as one uint16 so a gather moves both at once
    pairs = np.stack([alphabet[np.arange(256) >> 4], alphabet[np.arange(256) & 15]], axis=1)
    return np.ascontiguousarray(pairs).view(np.uint16).ravel()


_HEX_PAIRS = _pair_table(HEX)
_HEX_PAIRS_UPPER = _pair_table(HEX_UPPER)


def hex_digits(h: np.ndarray, n: int = 16, upper: bool = False) -> np.ndarray:
    """(len, n) uint8 array of the n lowest hex digits of each uint64, most significant first."""
    be = np.ascontiguousarray(np.asarray(h, dtype=np.uint64).astype(">u8")).view(np.uint8)
    pairs = np.take(_HEX_PAIRS_UPPER if upper else _HEX_PAIRS, be)
    return np.ascontiguousarray(pairs.view(np.uint8).reshape(-1, 16)[:, 16 - n:])


def uuid_bytes(seed: int, domain: int, idx: np.ndarray, upper: bool = False) -> np.ndarray:
    """(len, 36) uint8: RFC-4122-shaped version-4 uuids derived from (seed, domain, idx).

    The last 12 digits are an odd-multiplier bijection of idx (mod 2**48), so distinct idx
    always give distinct ids; the rest is hash noise.
    """
    idx = np.asarray(idx, dtype=np.uint64)
    h1 = hash64(seed, domain, idx)
    h2 = splitmix64(h1 ^ np.uint64(0x5DEECE66D))
    salt = np.uint64(int(hash64(seed, domain + 7, np.array([1]))[0]) & 0xFFFFFFFFFFFF)
    tail = ((idx ^ salt) * np.uint64(0x9E3779B97F4B)) & np.uint64(0xFFFFFFFFFFFF)
    digits = np.concatenate([hex_digits(h1, 16, upper), hex_digits(h2, 4, upper),
                             hex_digits(tail, 12, upper)], axis=1)
    table = HEX_UPPER if upper else HEX
    digits[:, 12] = ord("4")
    digits[:, 16] = table[8 + (h2 & np.uint64(3)).astype(np.intp)]
    out = np.full((len(digits), 36), ord("-"), dtype=np.uint8)
    out[:, 0:8] = digits[:, 0:8]
    out[:, 9:13] = digits[:, 8:12]
    out[:, 14:18] = digits[:, 12:16]
    out[:, 19:23] = digits[:, 16:20]
    out[:, 24:36] = digits[:, 20:32]
    return out


def _civil(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Howard Hinnant's civil_from_days, vectorised (proleptic Gregorian, days since 1970-01-01)
    z = days + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    y = yoe + era * 400 + (m <= 2)
    return y, m, d


def _put(out: np.ndarray, col: int, value: np.ndarray, width: int) -> None:
    for i in range(width):
        out[:, col + width - 1 - i] = 48 + (value // 10**i) % 10


_TWO = np.ascontiguousarray(
    np.array([[48 + i // 10, 48 + i % 10] for i in range(100)], dtype=np.uint8)
).view(np.uint16).ravel()


def _two(v: np.ndarray) -> np.ndarray:
    return np.take(_TWO, v).view(np.uint8).reshape(-1, 2)


def iso_ms_bytes(ms: np.ndarray, offset_ms: np.ndarray | int = 0) -> np.ndarray:
    """(len, 23) uint8 'YYYY-MM-DDTHH:MM:SS.mmm' of epoch milliseconds shifted by offset_ms."""
    t = np.asarray(ms, dtype=np.int64) + offset_ms
    out = np.empty((len(t), 23), dtype=np.uint8)
    if not len(t):
        return out
    days = np.floor_divide(t, 86_400_000)
    # dates come from a small table of the days spanned; times from digit-pair tables
    d0 = int(days.min())
    span = np.arange(d0, int(days.max()) + 1)
    y, m, d = _civil(span)
    table = np.empty((len(span), 11), dtype=np.uint8)
    _put(table, 0, y, 4)
    table[:, 4] = table[:, 7] = ord("-")
    _put(table, 5, m, 2)
    _put(table, 8, d, 2)
    table[:, 10] = ord("T")
    out[:, 0:11] = np.take(table.view("V11").ravel(), days - d0).view(np.uint8).reshape(-1, 11)
    rem = t - days * 86_400_000
    sec = rem // 1000
    msec = rem - sec * 1000
    out[:, 11:13] = _two(sec // 3600)
    out[:, 13] = out[:, 16] = ord(":")
    out[:, 14:16] = _two(sec // 60 % 60)
    out[:, 17:19] = _two(sec % 60)
    out[:, 19] = ord(".")
    out[:, 20] = 48 + msec // 100
    out[:, 21:23] = _two(msec % 100)
    return out


def day_keys(ms: np.ndarray) -> np.ndarray:
    """YYYYMMDD integers of the UTC day of epoch milliseconds."""
    y, m, d = _civil(np.floor_divide(np.asarray(ms, dtype=np.int64), 86_400_000))
    return y * 10000 + m * 100 + d


def digits_bytes(values: np.ndarray, width: int) -> np.ndarray:
    """(len, width) uint8 zero-padded decimal digits."""
    out = np.empty((len(values), width), dtype=np.uint8)
    _put(out, 0, np.asarray(values, dtype=np.int64), width)
    return out


def const_bytes(text: str, n: int) -> np.ndarray:
    b = np.frombuffer(text.encode(), dtype=np.uint8)
    return np.broadcast_to(b, (n, len(b)))


def concat_bytes(*parts: np.ndarray | str) -> np.ndarray:
    """Horizontally join fixed-width byte blocks (str parts are broadcast constants)."""
    n = next(len(p) for p in parts if not isinstance(p, str))
    blocks = [const_bytes(p, n) if isinstance(p, str) else p for p in parts]
    return np.ascontiguousarray(np.concatenate(blocks, axis=1))


def fixed_to_arrow(buf: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """A (n, w) uint8 block as an Arrow string array of n strings of width w."""
    buf = np.ascontiguousarray(buf)
    n, w = buf.shape
    offsets = np.arange(0, (n + 1) * w, w, dtype=np.int64)
    return _from_buffers(n, offsets, buf.reshape(-1), valid)


def varlen_to_arrow(buf: np.ndarray, lengths: np.ndarray,
                    valid: np.ndarray | None = None) -> pa.Array:
    """Rows of a (n, w) uint8 block, each cut to its own length, as an Arrow string array."""
    n, w = buf.shape
    keep = np.arange(w)[None, :] < lengths[:, None]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return _from_buffers(n, offsets, buf[keep], valid)


def _from_buffers(n: int, offsets: np.ndarray, data: np.ndarray,
                  valid: np.ndarray | None) -> pa.Array:
    bitmap = None
    nulls = 0
    if valid is not None:
        nulls = int(n - np.count_nonzero(valid))
        bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None
    if offsets[-1] < 2**31 - 1:
        return pa.Array.from_buffers(
            pa.string(), n, [bitmap, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data)],
            null_count=nulls if bitmap is not None else 0,
        )
    return pa.Array.from_buffers(
        pa.large_string(), n, [bitmap, pa.py_buffer(offsets), pa.py_buffer(data)],
        null_count=nulls if bitmap is not None else 0,
    )


def strings(values: list[str]) -> pa.Array:
    return pa.array(values, type=pa.string())


def arrow_index(codes: np.ndarray) -> pa.Array:
    """Int32 take-indices; negative codes become nulls (so take() yields null)."""
    codes = np.asarray(codes)
    missing = codes < 0
    return pa.array(codes.astype(np.int32), mask=missing if missing.any() else None)


def iso_strings(ms: np.ndarray, suffix: str = "Z", offset_ms: int = 0, seconds: bool = False,
                valid: np.ndarray | None = None) -> pa.Array:
    """ISO-8601 strings of epoch milliseconds (shifted by offset_ms, tagged with suffix)."""
    iso = iso_ms_bytes(np.asarray(ms, dtype=np.int64), offset_ms)
    return fixed_to_arrow(concat_bytes(iso[:, :19] if seconds else iso, suffix), valid=valid)


def mask_labels(bits: np.ndarray, names: list[str], sep: str = ";") -> pa.Array:
    """'a;c' for each bit mask over names (bit i = names[i]), through a 2**k lookup table."""
    table = [sep.join(n for i, n in enumerate(names) if m >> i & 1) for m in range(1 << len(names))]
    return pa.array(table, type=pa.string()).take(pa.array(np.asarray(bits, dtype=np.int64)))


def flags_to_bits(*flags: np.ndarray) -> np.ndarray:
    bits = np.zeros(len(flags[0]), dtype=np.int64)
    for i, f in enumerate(flags):
        bits |= np.asarray(f, dtype=np.int64) << i
    return bits


def write_csv(table: pa.Table, path: Path) -> None:
    """Plain CSV: header, no quoting (values are checked to need none), LF line ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    opts = pacsv.WriteOptions(include_header=False, quoting_style="none")
    with path.open("wb") as fh:
        # Arrow quotes header names whatever the style, so the header is written here
        fh.write((",".join(table.column_names) + "\n").encode("utf-8"))
        if table.num_rows:
            pacsv.write_csv(table, fh, write_options=opts)
