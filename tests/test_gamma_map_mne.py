"""Twin runs: our γ-MAP against MNE-Python 1.13's on the ico3 course data (N100m, 50-150 ms).

Two levels. The array solver against MNE's ``_gamma_map_opt`` on the same whitened gain and
data (MNE's ``_prepare_gain``), and the mirror ``gamma_map`` against
``mne.inverse_sparse.gamma_map``. Both must give the same active set and amplitudes within
1e-6 relative (MNE's own stopping rule is tol = 1e-6 on the variances; the iterations are the
same, so we observe about 1e-13).
"""

from functools import cache

import mne
import numpy as np
import pytest
from mne.inverse_sparse import gamma_map as mne_gamma_map
from mne.inverse_sparse._gamma_map import _gamma_map_opt
from mne.inverse_sparse.mxne_inverse import _prepare_gain

import minnorm_teach as mt
from minnorm_teach.check import relative_error
from minnorm_teach.sparse.gamma_map import gamma_map_solver, gamma_scale
from minnorm_teach.sparse.gamma_map_mirror import gamma_map
from minnorm_teach.validation import InputTypeError, InputValueError

mne.set_log_level("WARNING")
RTOL = 1e-6
ALPHA = 0.2


@pytest.fixture(scope="module", autouse=True)
def blas(one_blas_thread):
    yield


@cache
def course():
    data = mt.datasets.load_course_data(spacing="ico3", verbose=False)
    return data, data.evoked.copy().crop(0.05, 0.15)


@cache
def whitened_problem(loose, channels="eeg"):
    """MNE's whitened, weighted gain and the whitened data (the solvers' inputs)."""
    data, evoked = course()
    evoked = evoked.copy().pick(channels)
    _, gain, info, W, _, _ = _prepare_gain(data.fwd, evoked.info, data.noise_cov, True, 0.8,
                                           loose, None)
    b = W @ evoked.data[[evoked.ch_names.index(c) for c in info["ch_names"]]]
    return b, gain


#: Every combination of orientation, variance sharing and update, on the EEG channels (59
#: whitened rows: MNE factors Sigma_b by an SVD at every one of up to 1350 iterations, which
#: on MEG+EEG costs ~30 ms each; the mirror tests below run MEG+EEG, through the solver).
SOLVER_CASES = [(loose, xyz_same_gamma, update_mode) for loose in (0.0, 0.2)
                for xyz_same_gamma in ((True,) if loose == 0 else (True, False))
                for update_mode in (1, 2)]


@pytest.mark.parametrize("loose, xyz_same_gamma, update_mode", SOLVER_CASES)
def test_solver_matches_mne(loose, xyz_same_gamma, update_mode):
    b, L = whitened_problem(loose)
    n_orient = 1 if loose == 0 else 3
    group_size = n_orient if xyz_same_gamma else 1
    X, active_set = _gamma_map_opt(b, L, ALPHA, group_size=group_size, update_mode=update_mode)
    ours = gamma_map_solver(b, L, ALPHA, n_orient, xyz_same_gamma=xyz_same_gamma,
                            update_mode=update_mode)
    assert ours.converged
    assert np.array_equal(np.flatnonzero(ours.active), active_set)
    assert relative_error(ours.j, X) < RTOL
    rises = np.max(np.diff(ours.cost) / np.abs(ours.cost[:-1]))
    if group_size == 1:
        assert rises <= 1e-12                  # never rises (the convex bound: guaranteed)
    elif update_mode == 2:
        assert rises > 0                       # MNE's grouped convex-bound rule: it can rise


@pytest.mark.filterwarnings("ignore:\\s*Convergence NOT reached")
def test_solver_initial_gammas_are_mne_scaled():
    b, L = whitened_problem(0.0)
    start = np.random.default_rng(0).uniform(0.5, 2.0, L.shape[1])
    X, active_set = _gamma_map_opt(b, L, ALPHA, gammas=start.copy(), maxit=30)
    ours = gamma_map_solver(b, L, ALPHA, 1, gammas=start * gamma_scale(b, L), maxit=30)
    assert np.array_equal(np.flatnonzero(ours.active), active_set)
    assert relative_error(ours.j, X) < RTOL


# ------------------------------------------------------------------------------------------
# The mirror
# ------------------------------------------------------------------------------------------


def same_stc(ours, theirs):
    for v_ours, v_theirs in zip(ours.vertices, theirs.vertices, strict=True):
        assert np.array_equal(v_ours, v_theirs)
    assert relative_error(ours.data, theirs.data) < RTOL


MIRROR_CASES = {
    "fixed, residual": dict(loose=0.0, return_residual=True),
    "loose 0.2 (defaults)": dict(),
    "free": dict(loose=1.0),
}


@pytest.mark.parametrize("case", MIRROR_CASES)
def test_gamma_map_matches_mne(case):
    data, evoked = course()
    kw = MIRROR_CASES[case]
    ours = gamma_map(evoked, data.fwd, data.noise_cov, ALPHA, **kw)
    theirs = mne_gamma_map(evoked, data.fwd, data.noise_cov, ALPHA, **kw)
    if kw.get("return_residual"):
        (ours, res_ours), (theirs, res_theirs) = ours, theirs
        assert relative_error(res_ours.data, res_theirs.data) < RTOL
    same_stc(ours, theirs)


def test_too_large_alpha_is_named():
    data, evoked = course()
    with pytest.raises(InputValueError, match="alpha must be small enough"):
        gamma_map(evoked, data.fwd, data.noise_cov, 1e6, loose=0.0)


@pytest.mark.parametrize("kw, error, match", [
    (dict(evoked="evoked"), InputTypeError, "evoked must be an mne.Evoked"),
    (dict(alpha=-1.0), InputValueError, "alpha must be a finite number > 0, got -1.0"),
    (dict(loose=1.5), InputValueError, "loose must be a number in \\[0, 1\\], got 1.5"),
    (dict(depth={"limit": 10.0}), InputValueError, "depth\\['limit'\\] must be None"),
    (dict(xyz_same_gamma="yes"), InputTypeError, "xyz_same_gamma must be True or False"),
])
def test_bad_mirror_input_is_named(kw, error, match):
    data, evoked = course()
    args = dict(evoked=evoked, forward=data.fwd, noise_cov=data.noise_cov, alpha=ALPHA)
    args.update(kw)
    with pytest.raises(error, match=match):
        gamma_map(**args)
