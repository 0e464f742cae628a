"""Plain-Python reference implementations of the marketing marts' math, written independently of
the SQL (linear algebra for the Markov chain, scipy for the statistics)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import stats

START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"


def markov_removal_effects(paths: Sequence[tuple[Sequence[str], bool]]) -> dict[str, float]:
    """Removal effect per channel of the first-order chain over (channels, converted) paths:
    1 - P(conversion | channel removed) / P(conversion), absorption by solving (I - Q) x = r."""
    counts: Counter[tuple[str, str]] = Counter()
    for channels, converted in paths:
        states = [START, *channels, CONVERSION if converted else NULL]
        counts.update(zip(states, states[1:], strict=False))
    channels_seen = sorted({c for channels, _ in paths for c in channels})
    transient = [START, *channels_seen]
    index = {s: i for i, s in enumerate(transient)}
    out_totals: Counter[str] = Counter()
    for (a, _), n in counts.items():
        out_totals[a] += n

    def conversion_probability(removed: str | None) -> float:
        q = np.zeros((len(transient), len(transient)))
        r = np.zeros(len(transient))
        for (a, b), n in counts.items():
            p = n / out_totals[a]
            if b in (removed, NULL):
                continue
            if b == CONVERSION:
                r[index[a]] += p
            else:
                q[index[a], index[b]] += p
        if removed is not None:
            q[index[removed], :] = 0.0
            r[index[removed]] = 0.0
        x = np.linalg.solve(np.eye(len(transient)) - q, r)
        return float(x[index[START]])

    base = conversion_probability(None)
    return {c: (1.0 - conversion_probability(c) / base if base else 0.0) for c in channels_seen}


def removal_effect_conversions(paths: Sequence[tuple[Sequence[str], bool]]) -> dict[str, float]:
    """Removal-effect shares times the number of converting paths (the textbook Markov credit)."""
    effects = markov_removal_effects(paths)
    total = sum(effects.values())
    conversions = sum(1 for _, converted in paths if converted)
    return {c: e / total * conversions for c, e in effects.items()}


def time_decay(seconds_before: Sequence[float], half_life_days: float = 7.0) -> list[float]:
    weights = [2.0 ** (-s / (half_life_days * 86400.0)) for s in seconds_before]
    return [w / sum(weights) for w in weights]


def position_based(n: int, first: float = 0.4, last: float = 0.4) -> list[float]:
    if n == 1:
        return [1.0]
    if n == 2:
        return [0.5, 0.5]
    middle = (1.0 - first - last) / (n - 2)
    return [first, *([middle] * (n - 2)), last]


def two_proportion_test(
    n_control: int, x_control: int, n_variant: int, x_variant: int
) -> dict[str, float]:
    """Pooled z-test (two-sided p) and the unpooled 95% CI of the difference."""
    p_c, p_v = x_control / n_control, x_variant / n_variant
    pooled = (x_control + x_variant) / (n_control + n_variant)
    z = (p_v - p_c) / np.sqrt(pooled * (1 - pooled) * (1 / n_control + 1 / n_variant))
    se = np.sqrt(p_v * (1 - p_v) / n_variant + p_c * (1 - p_c) / n_control)
    q = stats.norm.ppf(0.975)
    diff = p_v - p_c
    return {
        "z": float(z),
        "p_value": float(2 * stats.norm.sf(abs(z))),
        "ci_lower": float(diff - q * se),
        "ci_upper": float(diff + q * se),
        "relative_lift": float(diff / p_c),
    }


def srm(counts: Sequence[int]) -> tuple[float, float]:
    """Chi-square statistic and p-value of the counts against an equal split."""
    result = stats.chisquare(list(counts))
    return float(result.statistic), float(result.pvalue)
