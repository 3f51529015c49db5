"""Signal cancellation: the two-source gain, the oracle field of a simulated patch, the removal
of a source from epochs, and unit-gain filters for any field.

The array test is a toy; the others use the ico3 course data (its simulated auditory patches).
"""

from functools import cache

import mne
import numpy as np
import pytest

import minnorm_teach as mt
from minnorm_teach import beamformer as bf
from minnorm_teach.check import relative_error
from minnorm_teach.validation import InputTypeError, InputValueError

mne.set_log_level("WARNING")


@pytest.fixture(scope="module", autouse=True)
def blas(one_blas_thread):
    yield


def test_two_source_gain_is_the_unit_gain_filters_gain_for_the_second_source():
    """C_b = F S F^T + sigma^2 I: w_1^T f_2 = -T_12 / T_22, T = S + sigma^2 (F^T F)^-1; without
    noise -S_12 / S_22, and the output power falls from S_11 to S_11 (1 - rho^2)."""
    rng = np.random.default_rng(0)
    F = rng.standard_normal((40, 2))
    t = np.linspace(0, 1, 400)
    s_1, s_2 = np.sin(2 * np.pi * 3 * t), np.sin(2 * np.pi * 3 * t + 0.6)
    S = np.array([[s_1 @ s_1, s_1 @ s_2], [s_1 @ s_2, s_2 @ s_2]]) / len(t)
    for sigma2 in (0.5, 0.01):
        C_b = F @ S @ F.T + sigma2 * np.eye(40)
        w = bf.lcmv_kernel(F[:, :1], C_b, 1, reg=0.0, weight_norm=None).K[0]
        assert w @ F[:, 1] == pytest.approx(bf.two_source_gain(s_1, s_2, F, sigma2), rel=1e-10)
    C_b = F @ S @ F.T + 1e-8 * np.eye(40)
    w = bf.lcmv_kernel(F[:, :1], C_b, 1, reg=0.0, weight_norm=None).K[0]
    assert w @ F[:, 1] == pytest.approx(bf.two_source_gain(s_1, s_2), rel=1e-6)
    rho2 = S[0, 1] ** 2 / (S[0, 0] * S[1, 1])
    assert w @ C_b @ w == pytest.approx(S[0, 0] * (1 - rho2), rel=1e-6)


@cache
def course():
    data = mt.datasets.load_course_data(spacing="ico3", verbose=False)
    fixed = mne.convert_forward_solution(data.fwd, surf_ori=True, force_fixed=True)
    epochs = data.epochs["auditory/left"]
    cov = mne.compute_covariance(epochs, tmin=0.0, tmax=0.3, method="empirical")
    filters = bf.make_lcmv(data.info, fixed, cov, noise_cov=data.noise_cov, weight_norm=None)
    return data, fixed, epochs, cov, filters


def test_patch_field_sums_the_patch_columns_and_reproduces_the_simulation():
    """Removing both patches' fields leaves epochs whose average has no evoked response left:
    the simulated signal is exactly L_fixed j_true (noise alone remains)."""
    data, fixed, epochs, _, filters = course()
    ch = list(filters.ch_names)
    cleaned = epochs
    for patch in data.truth.patches["auditory/left"]:
        field = bf.patch_field(fixed, patch.hemi, patch.vertices, ch)
        cleaned = bf.remove_field(cleaned, field, patch.time_course, ch)
    W = filters.W

    def gfp(evoked):
        return np.sqrt(np.mean((W @ evoked.pick(ch).data) ** 2, axis=0) * len(W) / filters.rank)

    before, after = gfp(epochs.average()), gfp(cleaned.average())
    noise = np.median(before[epochs.times < 0])
    peak = np.argmin(np.abs(epochs.times - 0.09))
    assert before[peak] > 2 * noise and after[peak] < 1.2 * noise
    assert relative_error(after[epochs.times < 0], before[epochs.times < 0]) < 0.05


def test_field_filters_have_unit_gain_and_match_make_lcmv_on_a_lead_field_column():
    data, fixed, _, cov, filters = course()
    rows = [fixed["sol"]["row_names"].index(c) for c in filters.ch_names]
    L = fixed["sol"]["data"][rows]
    k = [5, 700]
    w = bf.field_filters(filters, cov, L[:, k], reg=0.05)
    assert relative_error(np.diag(w @ L[:, k]), np.ones(2)) < 1e-10
    assert relative_error(w, filters.K[k]) < 1e-10


def test_bad_input_is_named():
    data, fixed, epochs, cov, filters = course()
    patch = data.truth.patches["auditory/left"][0]
    ch = list(filters.ch_names)
    with pytest.raises(InputValueError, match="fwd must be a fixed-orientation forward"):
        bf.patch_field(data.fwd, patch.hemi, patch.vertices, ch)
    with pytest.raises(InputValueError, match="vertices must be vertices of source space"):
        bf.patch_field(fixed, patch.hemi, [10 ** 7], ch)
    with pytest.raises(InputValueError, match="field has 3 values but ch_names has"):
        bf.remove_field(epochs, np.ones(3), patch.time_course, ch)
    with pytest.raises(InputTypeError, match="filters must be a minnorm_teach LCMV"):
        bf.field_filters({}, cov, np.ones((len(ch), 1)))
    with pytest.raises(InputValueError, match="s_1 has 3 samples but s_2 has 2"):
        bf.two_source_gain(np.ones(3), np.ones(2))


def test_uncentred_correlation_is_the_cosine_and_names_bad_input():
    s_1, s_2 = np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 1.0])
    assert bf.uncentred_correlation(s_1, s_2) == pytest.approx(4 / np.sqrt(14 * 2), rel=1e-15)
    assert bf.uncentred_correlation(s_1 + 5, s_1 + 5) == pytest.approx(1.0)
    with pytest.raises(InputValueError, match="s_1 has 3 samples but s_2 has 4"):
        bf.uncentred_correlation(s_1, np.ones(4))
