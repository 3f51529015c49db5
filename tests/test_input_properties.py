"""Properties of the linear and sparse entry points under the inputs a careless user gives
them (Hypothesis): channel order, scalings, NaN/inf anywhere, shapes and dtypes.

Linear (``make_inverse_operator`` + ``apply_inverse``, on the ico3 course data, EEG only so
that an operator takes a fraction of a second):

- the order of the channels in the evoked, in the covariance or in the info does not matter;
- the map is linear in the data: scaling b by c scales the MNE, dSPM and sLORETA maps by |c|
  (``check_units=False``: the point of the check is to refuse such scalings);
- scaling the data by c and the covariance by c^2 (another unit) changes nothing but the
  MNE map's scale: dSPM and sLORETA are dimensionless; the unit check passes;
- the unit check refuses a data scaling beyond 100 (variance 1e4) and is silent below 3;
- a NaN or inf anywhere is refused, naming its channel and its sample.

Sparse (``sparse.mxne`` on a small array problem):

- a permutation of the channels (rows of L and b) or of the source locations (column blocks
  of L) gives the same solution (permuted), within the duality-gap tolerance;
- MxNE is positively homogeneous: (c b, c alpha, c^2 tol) gives c j;
- a NaN or inf anywhere in b or L is refused, naming where; any dtype that is not real and
  numeric is refused by type, real ones (ints, float32) are accepted.

Run time: about 30 s on two shared cores (max_examples 5-25, deadline None).
"""

import functools
import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minnorm_teach as mt
from minnorm_teach import validation as v

FEW = settings(max_examples=5, deadline=None, database=None,
               suppress_health_check=[HealthCheck.too_slow])
SOME = settings(max_examples=25, deadline=None, database=None)
RTOL = 1e-10                    # float64 linear algebra, a different order of summation


@functools.cache
def _eeg():
    """EEG-only course data (60 channels, ico3: 1284 sources) and their default inverse."""
    import mne

    mne.set_log_level("ERROR")
    data = mt.datasets.load_course_data(spacing="ico3", verbose=False)
    evoked = data.evoked.copy().pick("eeg")
    inv = mt.make_inverse_operator(evoked.info, data.fwd, data.noise_cov)
    return data, evoked, inv


def _map(evoked, inv, method, **kwargs):
    return mt.apply_inverse(evoked, inv, 1 / 9, method, **kwargs).data


def _relative(a, b):
    return np.abs(a - b).max() / np.abs(b).max()


# ------------------------------------------------------------------------------------ linear

@SOME
@given(perm=st.permutations(range(60)), method=st.sampled_from(["MNE", "dSPM", "sLORETA"]))
def test_channel_order_of_the_evoked_does_not_matter(perm, method):
    _, evoked, inv = _eeg()
    shuffled = evoked.copy().reorder_channels([evoked.ch_names[k] for k in perm])
    np.testing.assert_array_equal(_map(shuffled, inv, method), _map(evoked, inv, method))


@FEW
@given(seed=st.integers(0, 2**32 - 1))
def test_channel_order_of_the_covariance_does_not_matter(seed):
    data, evoked, inv = _eeg()
    perm = np.random.default_rng(seed).permutation(len(data.noise_cov.ch_names))
    names = [data.noise_cov.ch_names[k] for k in perm]
    cov = data.noise_cov.copy()
    cov["data"] = np.asarray(data.noise_cov.data)[np.ix_(perm, perm)]
    cov["names"] = names
    permuted = mt.make_inverse_operator(evoked.info, data.fwd, cov)
    assert _relative(_map(evoked, permuted, "dSPM"), _map(evoked, inv, "dSPM")) < RTOL


@FEW
@given(perm=st.permutations(range(60)))
def test_channel_order_of_the_info_does_not_matter(perm):
    data, evoked, inv = _eeg()
    shuffled = evoked.copy().reorder_channels([evoked.ch_names[k] for k in perm])
    permuted = mt.make_inverse_operator(shuffled.info, data.fwd, data.noise_cov)
    assert _relative(_map(evoked, permuted, "dSPM"), _map(evoked, inv, "dSPM")) < RTOL


@SOME
@given(exponent=st.floats(-12, 12), sign=st.sampled_from([1.0, -1.0]),
       method=st.sampled_from(["MNE", "dSPM", "sLORETA"]))
def test_the_map_is_linear_in_the_data(exponent, sign, method):
    _, evoked, inv = _eeg()
    c = sign * 10.0 ** exponent
    scaled = evoked.copy()
    scaled.data *= c
    ours = _map(scaled, inv, method, check_units=False)
    assert _relative(ours, abs(c) * _map(evoked, inv, method)) < RTOL
    normal = _map(scaled, inv, method, pick_ori="normal", check_units=False)
    assert _relative(normal, c * _map(evoked, inv, method, pick_ori="normal")) < RTOL


@FEW
@given(exponent=st.floats(-15, 15))
def test_units_of_data_and_covariance_together_do_not_matter(exponent):
    """b -> c b, C -> c^2 C: the same whitened data, the same dSPM and sLORETA, MNE times c."""
    data, evoked, inv = _eeg()
    c = 10.0 ** exponent
    cov = data.noise_cov.copy()
    cov["data"] = np.asarray(data.noise_cov.data) * c ** 2
    scaled = evoked.copy()
    scaled.data *= c
    other = mt.make_inverse_operator(evoked.info, data.fwd, cov)
    for method, factor in (("dSPM", 1.0), ("sLORETA", 1.0), ("MNE", c)):
        assert _relative(_map(scaled, other, method), factor * _map(evoked, inv, method)) < 1e-9


@SOME
@given(exponent=st.one_of(st.floats(-0.45, 0.45), st.floats(2.05, 20), st.floats(-20, -2.05)))
def test_the_unit_check_refuses_a_data_scale_beyond_100(exponent):
    _, evoked, inv = _eeg()
    scaled = evoked.copy()
    scaled.data *= 10.0 ** exponent
    if abs(exponent) < 0.5:                   # variance within [0.1, 10]: silent
        with warnings.catch_warnings():
            warnings.simplefilter("error", v.InputWarning)
            mt.apply_inverse(scaled, inv)
        return
    with pytest.raises(v.InputValueError, match=r"^evoked's whitened baseline has variance") as e:
        mt.apply_inverse(scaled, inv)
    assert "EEG channels" in str(e.value) and e.value.argument == "evoked"


@SOME
@given(channel=st.integers(0, 59), sample=st.integers(0, 140),
       bad=st.sampled_from([np.nan, np.inf, -np.inf]),
       where=st.sampled_from(["evoked", "epochs"]))
def test_nan_or_inf_anywhere_is_named(channel, sample, bad, where):
    data, evoked, inv = _eeg()
    sample = sample % len(evoked.times)
    if where == "evoked":
        inst = evoked.copy()
        inst.data[channel, sample] = bad
        call = lambda: mt.apply_inverse(inst, inv)                       # noqa: E731
    else:
        inst = data.epochs[:3].copy().pick("eeg")
        inst._data[2, channel, sample] = bad
        call = lambda: mt.apply_inverse_epochs(inst, inv, 1.0)            # noqa: E731
    with pytest.raises(v.InputValueError) as e:
        call()
    name, t = inst.ch_names[channel], inst.times[sample]
    kind = "NaN" if np.isnan(bad) else ("inf" if bad > 0 else "-inf")
    assert f"got {kind} at " in str(e.value) and e.value.argument == where
    assert f"channel {name}, sample {sample} (t = {t:.3f} s)" in str(e.value)
    if where == "epochs":
        assert "epoch 2, " in str(e.value)


def test_an_identity_evoked_reads_the_kernel_unchecked():
    """Evoked data without a baseline are not unit-checked: an identity "evoked" (MNE's way
    to read a kernel off apply_inverse) is legitimate, though its variance is 1e24."""
    import mne

    _, evoked, inv = _eeg()
    rows = [evoked.ch_names.index(c) for c in inv.ch_names]
    identity = mne.EvokedArray(np.eye(len(rows)), mne.pick_info(evoked.info, rows))
    K = mt.apply_inverse(identity, inv, 1 / 9, "MNE", pick_ori="normal").data
    expected = mt.apply_inverse(evoked, inv, 1 / 9, "MNE", pick_ori="normal").data
    assert _relative(K @ evoked.data[rows], expected) < RTOL


def test_continuous_data_are_checked_on_every_sample():
    data, evoked, inv = _eeg()
    raw = data.raw.copy().crop(0, 2).pick("eeg")
    mt.apply_inverse_raw(raw, inv, 1.0)                   # variance ~1: silent
    raw._data *= 1e6                                      # uV
    with pytest.raises(v.InputValueError, match=r"^raw's whitened data has variance .* uV"):
        mt.apply_inverse_raw(raw, inv, 1.0)
    mt.apply_inverse_raw(raw, inv, 1.0, check_units=False)


_DTYPES = st.sampled_from([np.float64, np.float32, np.int32, np.int8, np.complex128,
                           np.bool_, object, np.str_])


@SOME
@given(dtype=_DTYPES, n=st.integers(2, 6), extra=st.integers(0, 6))
def test_linalg_takes_every_real_dtype_and_refuses_the_others(dtype, n, extra):
    rng = np.random.default_rng(n)
    L = rng.integers(-5, 6, (n, n + extra)).astype(dtype)
    real = np.dtype(dtype).kind in "iuf"
    if real and np.linalg.matrix_rank(L.astype(float) @ L.T.astype(float)) == n:
        K = mt.linalg.tikhonov_kernel(L, 0.5)
        assert K.dtype == np.float64 and K.shape == (n + extra, n)
        return
    if real:
        return                                 # a singular integer draw: nothing to refuse
    with pytest.raises(v.InputTypeError, match=r"^L must be a .*\(n_channels, n_sources\)"):
        mt.linalg.tikhonov_kernel(L, 0.5)


# ------------------------------------------------------------------------------------ sparse

@functools.cache
def _sparse_problem(n_orient):
    """20 channels, 30 locations, 3 active, 8 samples; alpha = 0.4 alpha_max."""
    rng = np.random.default_rng(7)
    L = rng.standard_normal((20, 30 * n_orient))
    j = np.zeros((30 * n_orient, 8))
    for k in (3, 11, 26):
        j[k * n_orient:(k + 1) * n_orient] = rng.standard_normal((n_orient, 8))
    b = L @ j + 0.05 * rng.standard_normal((20, 8))
    alpha = 0.4 * mt.sparse.alpha_max(L, b, n_orient)
    return L, b, alpha


def _solve(L, b, alpha, n_orient, tol):
    sol = mt.sparse.mxne(b, L, alpha, n_orient, tol=tol, maxit=20000)
    return sol.full(), mt.sparse.duality_gap(b, L, sol.j, sol.active,
                                             mt.sparse.L21(alpha, n_orient))


@SOME
@given(n_orient=st.sampled_from([1, 3]), rows=st.permutations(range(20)),
       locations=st.permutations(range(30)))
def test_mxne_does_not_depend_on_the_order_of_channels_or_sources(n_orient, rows, locations):
    L, b, alpha = _sparse_problem(n_orient)
    tol = 1e-12 * np.sum(b ** 2)
    cols = (n_orient * np.asarray(locations)[:, None] + np.arange(n_orient)).ravel()
    j, gap = _solve(L, b, alpha, n_orient, tol)
    j_perm, gap_perm = _solve(L[np.ix_(rows, cols)], b[rows], alpha, n_orient, tol)
    assert abs(gap_perm.primal - gap.primal) <= 2 * tol
    np.testing.assert_array_equal(np.any(j_perm != 0, axis=1), np.any(j[cols] != 0, axis=1))
    assert _relative(j_perm, j[cols]) < 1e-5         # the gap bounds the objective, not j


@SOME
@given(exponent=st.floats(-8, 8), n_orient=st.sampled_from([1, 3]))
def test_mxne_is_positively_homogeneous(exponent, n_orient):
    L, b, alpha = _sparse_problem(n_orient)
    c = 10.0 ** exponent
    tol = 1e-12 * np.sum(b ** 2)
    j, _ = _solve(L, b, alpha, n_orient, tol)
    j_c, _ = _solve(L, c * b, c * alpha, n_orient, c ** 2 * tol)
    np.testing.assert_array_equal(np.any(j_c != 0, axis=1), np.any(j != 0, axis=1))
    assert _relative(j_c, c * j) < 1e-5


@SOME
@given(which=st.sampled_from(["b", "L"]), data=st.data(),
       bad=st.sampled_from([np.nan, np.inf, -np.inf]))
def test_mxne_names_a_nan_or_inf(which, data, bad):
    L, b, alpha = _sparse_problem(1)
    L, b = L.copy(), b.copy()
    array = b if which == "b" else L
    i = data.draw(st.integers(0, array.shape[0] - 1))
    k = data.draw(st.integers(0, array.shape[1] - 1))
    array[i, k] = bad
    with pytest.raises(v.InputValueError) as e:
        mt.sparse.mxne(b, L, alpha, 1)
    where = f"channel {i}, sample {k}" if which == "b" else f"row {i}, column {k}"
    assert e.value.argument == which and where in str(e.value)


@SOME
@given(dtype_b=_DTYPES, dtype_L=_DTYPES, transposed=st.booleans())
def test_mxne_shapes_and_dtypes(dtype_b, dtype_L, transposed):
    L, b, alpha = _sparse_problem(1)
    b_in, L_in = b.astype(dtype_b), (L.T if transposed else L).astype(dtype_L)
    real = {np.dtype(dtype_b).kind, np.dtype(dtype_L).kind} <= set("iuf")
    if not real:
        with pytest.raises(v.InputTypeError, match=r"^(b|L) must be a"):
            mt.sparse.mxne(b_in, L_in, alpha, 1)
        return
    if transposed:
        with pytest.raises(v.InputValueError, match=re.escape("L looks transposed")):
            mt.sparse.mxne(b_in, L_in, alpha, 1)
        return
    sol = mt.sparse.mxne(b_in, L_in, alpha, 1)        # ints and float32 are taken as float64
    assert sol.j.dtype == np.float64 and sol.gaps[-1] < 1e-8


@SOME
@given(tol=st.one_of(st.floats(max_value=0.0), st.just(float("nan")), st.just(float("inf"))),
       maxit=st.integers(-3, 0), dgap_freq=st.integers(-3, 0))
def test_mxne_settings_that_would_hang_are_refused(tol, maxit, dgap_freq):
    L, b, alpha = _sparse_problem(1)
    for kwargs, name in ((dict(tol=tol), "tol"), (dict(maxit=maxit), "maxit"),
                         (dict(dgap_freq=dgap_freq), "dgap_freq")):
        with pytest.raises(v.InputValueError) as e:
            mt.sparse.mxne(b, L, alpha, 1, **kwargs)
        assert e.value.argument == name


def test_the_working_set_shares_one_budget_of_passes():
    """A tolerance far below round-off never converges: the solve stops at maxit passes in
    total (the outer loop does not multiply it)."""
    L, b, alpha = _sparse_problem(3)
    sol = mt.sparse.mxne(b, L, alpha, 3, tol=1e-300, maxit=50, active_set_size=2)
    assert sol.n_iter == 50 and sol.gaps[-1] > 1e-300
