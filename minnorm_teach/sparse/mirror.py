"""MNE mirrors: ``mixed_norm`` and ``tf_mixed_norm`` with MNE-Python's arguments and defaults.

Arrays inside, MNE objects at the edges: the gain is prepared once (whitened, depth- and
orientation-weighted), the array solvers of this package run with alpha in whitened data
units, and the result comes back as an MNE ``SourceEstimate`` (A·m).

``alpha`` is MNE's percentage: alpha_data = alpha / 100 * alpha_max with
alpha_max = ||L^T b||_{2,inf} on the whitened, weighted gain L and whitened data b
(TF-MxNE: the epsilon-norm analogue, and alpha_space = alpha_data (1 - l1_ratio),
alpha_time = alpha_data l1_ratio). ``tol`` is relative: tol_data = tol * ||b||_F^2.
"""


import mne
import numpy as np

from .. import validation
from .checks import (
    check_mirror_alpha,
    check_random,
    check_solver_name,
    check_sure_grid,
    check_time_pca,
)
from .edge import check_objects, check_solver_options, residual_evoked, whitened_data
from .gain import prepare_sparse_gain
from .objective import alpha_max
from .reweighting import debias_scaling, irmxne
from .solvers import mxne
from .sure import sure_grid, sure_path
from .tf import alpha_max_tf, tf_mxne

__all__ = ["mixed_norm", "tf_mixed_norm", "as_source_estimate", "mxne_solver"]


def _time_pca(b, time_pca):
    """b = U s V^T (SVD, n_white x n_times); returns (U s, V^T), keeping ``time_pca``
    components when it is an int (MNE's integer ``time_pca``), all of them when True."""
    U, s, Vh = np.linalg.svd(b, full_matrices=False)
    if not isinstance(time_pca, bool):
        U, s, Vh = U[:, :time_pca], s[:time_pca], Vh[:time_pca]
    return U * s, Vh


def _sure_grid(grid):
    """MNE's ``sure_alpha_grid``: "auto" (15 values from 100 % to 10 %) or percentages."""
    return sure_grid() if isinstance(grid, str) else grid


def _sure_rng(rng, random_state):
    """MNE's random generator of SURE: ``random_state`` (legacy: an int seeds a RandomState)
    if given, else ``rng`` (an int or None seeds np.random.default_rng)."""
    if random_state is not None:
        if isinstance(random_state, (np.random.RandomState, np.random.Generator)):
            return random_state
        return np.random.RandomState(random_state)
    if isinstance(rng, np.random.RandomState):
        return rng
    return np.random.default_rng(rng)


def mxne_solver(L, n_orient, unit, *, debias, n_mxne_iter=1, **options):
    """solve(b, alpha_percent) -> (j, active): MxNE (irMxNE when n_mxne_iter > 1) at
    alpha = alpha_percent * unit in data units, then debiasing (d >= 1 per location).

    The solver of :func:`mixed_norm` (``unit`` = alpha_max / 100 of the data, ``options``:
    active_set_size, maxit, tol in data units, dgap_freq), e.g. for
    :func:`~minnorm_teach.sparse.sure.sure_path`.
    """
    def solve(b, alpha_percent):
        if n_mxne_iter == 1:
            sol = mxne(b, L, alpha_percent * unit, n_orient, **options)
        else:
            sol = irmxne(b, L, alpha_percent * unit, n_orient, n_mxne_iter=n_mxne_iter,
                         unit=unit, **options)
        j = sol.j
        if debias and sol.active.any():
            j = j * debias_scaling(b, L[:, sol.active], j, n_orient)[:, None]
        return j, sol.active
    return solve


def _full_active(prep, active):
    """Active mask on the sources of the forward (undo the weights_min mask)."""
    if prep.mask is None:
        return active
    full = np.zeros(prep.mask.size, dtype=bool)
    full[prep.mask] = active
    return full


def _to_stc(j_Am, active, prep, tmin, tstep):
    """SourceEstimate on the active locations; free/loose: ||(x, y, z)|| per location."""
    n_orient = prep.n_orient
    locations = np.flatnonzero(active[::n_orient]) if n_orient > 1 else np.flatnonzero(active)
    data = np.sqrt((j_Am.reshape(len(locations), n_orient, -1) ** 2).sum(axis=1))
    if n_orient == 1:
        data = j_Am
    src = prep.forward["src"]
    n_lh = len(src[0]["vertno"])
    vertices = [src[0]["vertno"][locations[locations < n_lh]],
                src[1]["vertno"][locations[locations >= n_lh] - n_lh]]
    return mne.SourceEstimate(data, vertices, tmin=tmin, tstep=tstep,
                              subject=src[0].get("subject_his_id"))


def as_source_estimate(j, active, prep, *, tmin, tstep):
    """The SourceEstimate (A·m) of a solver's result, as the mirrors return it.

    ``j`` (n_active, n_times): the solver's rows (whitened, weighted units); ``active``: its
    mask over the columns of ``prep.L`` (a :class:`~minnorm_teach.sparse.gain.SparseGain`).
    j_Am = j sqrt(R) per dipole component; free/loose: ||(x, y, z)|| per location.
    """
    active = _full_active(prep, np.asarray(active, dtype=bool))
    return _to_stc(j * prep.source_weighting[active][:, None], active, prep, tmin, tstep)


def mixed_norm(evoked, forward, noise_cov, alpha="sure", *, loose="auto", depth=0.8,
               maxit=3000, tol=1e-4, active_set_size=10, debias=True, time_pca=True,
               weights=None, weights_min=0.0, solver="auto", n_mxne_iter=1, dgap_freq=10,
               return_residual=False, rank=None, sure_alpha_grid="auto", use_cps=True,
               rng=None, random_state=None, check_units=True):
    """MxNE / irMxNE as ``mne.inverse_sparse.mixed_norm``, MNE's defaults.

    1. L, W = prepare_sparse_gain(...);  b = W evoked.data
    2. time_pca: b = U s from the SVD b = U s V^T (the L21 problem only sees b's row space;
       an int keeps that many components)
    3. alpha_max = ||L^T b||_{2,inf};  tol_data = tol * ||b||_F^2
    4. alpha = "sure": the alpha of ``sure_alpha_grid`` (percent; "auto": 15 values from 100
       to 10) with the smallest SURE (:func:`~minnorm_teach.sparse.sure.sure_path`, one
       random direction drawn from ``rng``/``random_state``); else alpha / 100 * alpha_max
    5. j = MxNE(b, L, alpha) (n_mxne_iter > 1: irMxNE, unit = alpha_max / 100);
       debias: j <- diag(d) j, d >= 1 refit per location;  time_pca: j <- j V^T
    6. j_Am = j * source_weighting (A·m); SourceEstimate (free/loose: norm over x, y, z)

    Returns ``stc`` or, with ``return_residual``, ``(stc, residual)`` as MNE does.
    ``check_units``: refuse data whose whitened variance is orders of magnitude away from 1
    (see :func:`minnorm_teach.apply_inverse`). Arguments as MNE's, with these differences:

    - ``solver``: every value ("auto", "cd", "bcd") runs block coordinate descent; MNE's
      "auto" picks scikit-learn's coordinate descent ("cd") for a fixed orientation. Both
      solve the same problem, so results agree to the tolerance, not to round-off.
    - debiasing solves its box-constrained least squares exactly; MNE's ``compute_bias``
      stops its FISTA when no scale changes by more than 1e-6 (see
      :func:`~minnorm_teach.sparse.reweighting.debias_scaling`).
    - ``alpha=0`` is refused (no penalty: see :func:`minnorm_teach.validation.check_alpha_percent`);
      ``alpha="sure"`` with ``n_mxne_iter > 1`` (SURE for irMxNE) is refused;
      ``random_state=None`` counts as not given (in MNE an explicit None draws from NumPy's
      global RandomState).
    - not supported: several evokeds, ``return_as_dipoles``, ``pick_ori``, ``verbose``.
    - ``use_cps`` and ``check_units`` are extra arguments (MNE's sparse solvers always use
      the patch normals): see :func:`~minnorm_teach.sparse.gain.oriented_lead_field`.
    """
    loose, depth = check_objects(evoked, forward, noise_cov, loose, depth, dict(
        debias=debias, return_residual=return_residual))
    n_mxne_iter = validation.check_n_mxne_iter(n_mxne_iter)
    alpha = check_mirror_alpha(alpha, n_mxne_iter)
    sure_alpha_grid = check_sure_grid(sure_alpha_grid, alpha)
    check_solver_name(solver)
    time_pca = check_time_pca(time_pca)
    check_random(rng, random_state)
    maxit, tol, active_set_size, dgap_freq, weights_min = check_solver_options(
        maxit, tol, active_set_size, dgap_freq, weights_min)
    prep = prepare_sparse_gain(forward, evoked.info, noise_cov, loose=loose, depth=depth,
                               weights=weights, weights_min=weights_min,
                               use_cps=validation.check_bool(use_cps, "use_cps"),
                               rank=rank)                                       # 1.
    L, n_orient = prep.L, prep.n_orient
    b = whitened_data(evoked, prep, check_units=check_units)
    if time_pca:                                                                # 2.
        b, Vh = _time_pca(b, time_pca)
    a_max = alpha_max(L, b, n_orient)                                           # 3.
    solve = mxne_solver(L, n_orient, a_max / 100.0, debias=debias,
                         n_mxne_iter=n_mxne_iter, active_set_size=active_set_size,
                         maxit=maxit, tol=tol * float(np.sum(b**2)), dgap_freq=dgap_freq)
    if alpha == "sure":                                                         # 4.
        grid = _sure_grid(sure_alpha_grid)
        delta = _sure_rng(rng, random_state).standard_normal(b.shape)
        path = sure_path(b, L, solve, alphas=grid, delta=delta, n_orient=n_orient)
        j, active = path.j, path.active
    else:
        j, active = solve(b, alpha)                                             # 5.
    if time_pca:
        j = j @ Vh
    active = _full_active(prep, active)
    if not active.any():
        raise RuntimeError(f"No active dipoles found: alpha={alpha}% of alpha_max is too big")
    j_Am = j * prep.source_weighting[active][:, None]                          # 6.
    tstep = 1.0 / evoked.info["sfreq"]
    stc = _to_stc(j_Am, active, prep, evoked.times[0], tstep)
    if return_residual:
        return stc, residual_evoked(evoked, prep, j_Am, active)
    return stc


def _window_edges(data, sfreq, window):
    """Half-Hann tapers of ``window`` seconds at both ends (MNE's ``_window_evoked``)."""
    n = int(window * sfreq)
    if n == 0:
        return data
    taper = np.ones(data.shape[1])
    taper[:n] = np.hanning(2 * n)[:n]
    taper[-n:] = np.hanning(2 * n)[-n:]
    return data * taper


def tf_mixed_norm(evoked, forward, noise_cov, *, loose="auto", depth=0.8, maxit=3000,
                  tol=1e-4, weights=None, weights_min=0.0, pca=True, debias=True, wsize=64,
                  tstep=4, window=0.02, return_residual=False, alpha=None, l1_ratio=None,
                  active_set_size=10, dgap_freq=10, rank=None, check_units=True,
                  use_cps=True):
    """TF-MxNE as ``mne.inverse_sparse.tf_mixed_norm``, MNE's defaults.

    1. L, W = prepare_sparse_gain(...);  data tapered at both ends (``window`` s);
       b = W evoked.data
    2. alpha_max = max_k eps-norm(Phi(L_k^T b)) for rho = l1_ratio;  tol_data = tol ||b||^2
    3. alpha_space = alpha/100 alpha_max (1 - l1_ratio), alpha_time = alpha/100 alpha_max l1_ratio
    4. Z = TF-MxNE(b, L); j = Z Phi^H; debias; j_Am = j * source_weighting

    ``alpha`` and ``l1_ratio`` are keyword arguments defaulting to None as in MNE, where None
    fails; here too, with a clear message. Arguments as MNE's, with these differences:

    - debiasing is exact (as in :func:`mixed_norm`); ``alpha=0`` is refused;
    - not supported: several dictionaries (a list of ``wsize``/``tstep``),
      ``n_tfmxne_iter > 1`` (irTF-MxNE), ``return_as_dipoles``, ``pick_ori``, ``verbose``;
    - ``use_cps`` and ``check_units`` are extra arguments, as in :func:`mixed_norm`.
    """
    loose, depth = check_objects(evoked, forward, noise_cov, loose, depth, dict(
        debias=debias, return_residual=return_residual, pca=pca))
    alpha = validation.check_alpha_percent(alpha, hint="tf_mixed_norm needs alpha (percent "
                                                       "of alpha_max), as in MNE")
    l1_ratio = validation.check_l1_ratio(l1_ratio)
    maxit, tol, active_set_size, dgap_freq, weights_min = check_solver_options(
        maxit, tol, active_set_size, dgap_freq, weights_min)
    wsize, tstep = validation.check_stft_window(wsize, tstep, len(evoked.times),
                                                data_name="evoked")
    sfreq = evoked.info["sfreq"]
    window = validation.check_taper(window, sfreq, len(evoked.times))
    prep = prepare_sparse_gain(forward, evoked.info, noise_cov, loose=loose, depth=depth,
                               weights=weights, weights_min=weights_min,
                               use_cps=validation.check_bool(use_cps, "use_cps"),
                               rank=rank, pca=pca)                              # 1.
    L, n_orient = prep.L, prep.n_orient
    windowed = evoked.copy()
    if window is not None:
        windowed.data = _window_edges(evoked.data, sfreq, window)
    b = whitened_data(evoked, prep, windowed.data, check_units=check_units)
    from .stft import make_frame

    frame = make_frame(wsize, tstep, b.shape[1])
    a_max = alpha_max_tf(L, b, frame, l1_ratio, n_orient)                      # 2.
    tol_data = tol * float(np.sum(b**2))
    alpha_space = alpha / 100.0 * a_max * (1.0 - l1_ratio)                     # 3.
    alpha_time = alpha / 100.0 * a_max * l1_ratio
    sol, frame = tf_mxne(b, L, alpha_space, alpha_time, n_orient, wsize=wsize,   # 4.
                         tstep=tstep, active_set_size=active_set_size, maxit=maxit,
                         tol=tol_data, dgap_freq=dgap_freq)
    if not sol.active.any():
        raise RuntimeError("No active dipoles found: alpha is too big")
    j, active = frame.synthesis(sol.j), sol.active
    if debias:
        j = j * debias_scaling(b, L[:, active], j, n_orient)[:, None]
    active = _full_active(prep, active)
    j_Am = j * prep.source_weighting[active][:, None]
    stc = _to_stc(j_Am, active, prep, evoked.times[0], 1.0 / sfreq)
    if return_residual:
        return stc, residual_evoked(windowed, prep, j_Am, active)
    return stc
