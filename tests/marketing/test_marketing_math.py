"""The marketing math on hand-computed examples (no warehouse): the reference implementations the
warehouse tests compare against must themselves reproduce the textbook figures."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from tests.marketing.reference import (
    markov_removal_effects,
    position_based,
    removal_effect_conversions,
    srm,
    time_decay,
    two_proportion_test,
)

CLASSIC_PATHS = [
    (["ga"], True),
    (["ga"], True),
    (["mail"], True),
    (["ga", "mail"], True),
    (["ga"], False),
]


def test_markov_classic_example() -> None:
    # P(conv) = 0.8 * (1/2 + 1/4 * 1) + 0.2 = 0.8; without ga 0.2; without mail 0.8 * 1/2 = 0.4
    effects = markov_removal_effects(CLASSIC_PATHS)
    assert effects["ga"] == pytest.approx(0.75, abs=1e-12)
    assert effects["mail"] == pytest.approx(0.5, abs=1e-12)
    credits = removal_effect_conversions(CLASSIC_PATHS)
    assert credits["ga"] == pytest.approx(2.4, abs=1e-12)
    assert credits["mail"] == pytest.approx(1.6, abs=1e-12)


def test_time_decay_and_position_based_by_hand() -> None:
    day = 86400
    # half-life 7 days: weights 1/4, 1/4, 1/2, 1 (sum 2)
    assert time_decay([14 * day, 14 * day, 7 * day, 0]) == pytest.approx([0.125, 0.125, 0.25, 0.5])
    assert position_based(4) == pytest.approx([0.4, 0.1, 0.1, 0.4])
    assert position_based(2) == [0.5, 0.5]
    assert position_based(1) == [1.0]


def test_z_test_by_hand() -> None:
    # control 100/1000, treatment 130/1000: pooled p = 0.115,
    # se = sqrt(0.115 * 0.885 * 2 / 1000) = 0.0142671, z = 0.03 / se = 2.10274, p = 0.035489
    result = two_proportion_test(1000, 100, 1000, 130)
    se = math.sqrt(0.115 * 0.885 * 0.002)
    assert se == pytest.approx(0.0142671, abs=1e-7)
    assert result["z"] == pytest.approx(2.10274, abs=1e-5)
    assert result["p_value"] == pytest.approx(0.035489, abs=1e-5)
    # unpooled CI: 0.03 +- 1.959964 * sqrt(0.13*0.87/1000 + 0.1*0.9/1000) = 0.03 +- 0.027932
    assert result["ci_lower"] == pytest.approx(0.002068, abs=1e-5)
    assert result["ci_upper"] == pytest.approx(0.057932, abs=1e-5)
    assert result["relative_lift"] == pytest.approx(0.3)


def test_srm_chi_square_by_hand() -> None:
    # 500 vs 620, expected 560 each: (60^2 + 60^2) / 560 = 12.857; df 1
    chi2, p = srm([500, 620])
    assert chi2 == pytest.approx(7200 / 560)
    assert p == pytest.approx(2 * stats.norm.sf(math.sqrt(7200 / 560)))
    assert p < 0.001
