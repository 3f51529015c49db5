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

from .. import validation, whitening
from .edge import check_objects, check_solver_options, whitened_data
from .gain import prepare_sparse_gain
from .objective import alpha_max
from .reweighting import debias_scaling, irmxne
from .solvers import mxne
from .tf import alpha_max_tf, tf_mxne

__all__ = ["mixed_norm", "tf_mixed_norm"]


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


def _residual(evoked, prep, j_Am, active):
    """evoked - P L_active j (the data minus the sources' field, projectors applied)."""
    residual = evoked.copy().pick(prep.ch_names)
    predicted = prep.lead_field[:, active] @ j_Am
    projs = [p for p in residual.info["projs"] if p["active"]]
    if projs:
        predicted = whitening.projector(projs, prep.ch_names)[0] @ predicted
    residual.data = residual.data - predicted
    return residual


def mixed_norm(evoked, forward, noise_cov, alpha, *, loose="auto", depth=0.8, maxit=3000,
               tol=1e-4, active_set_size=10, debias=True, time_pca=True, weights=None,
               weights_min=0.0, n_mxne_iter=1, dgap_freq=10, return_residual=False,
               check_units=True, use_cps=True):
    """MxNE / irMxNE as ``mne.inverse_sparse.mixed_norm`` (same arguments and defaults).

    1. L, W = prepare_sparse_gain(...);  b = W evoked.data
    2. time_pca: b = U s from the SVD b = U s V^T (the L21 problem only sees b's row space)
    3. alpha_data = alpha / 100 * alpha_max(L, b);  tol_data = tol * ||b||_F^2
    4. j = MxNE(b, L, alpha_data) (n_mxne_iter > 1: irMxNE, unit = alpha_max / 100)
    5. debias: j <- diag(d) j, d >= 1 refit per location;  time_pca: j <- j V^T
    6. j_Am = j * source_weighting (A·m); SourceEstimate (free/loose: norm over x, y, z)

    Not supported: ``alpha="sure"``, several evokeds, ``return_as_dipoles``, ``pick_ori``.
    Returns ``stc`` or, with ``return_residual``, ``(stc, residual)`` as MNE does.
    ``check_units``: refuse data whose whitened variance is orders of magnitude away from 1
    (see :func:`minnorm_teach.apply_inverse`). ``use_cps``: patch-average normals (True, what
    MNE always uses) or vertex normals, see :func:`~minnorm_teach.sparse.gain.oriented_lead_field`.
    """
    loose, depth = check_objects(evoked, forward, noise_cov, loose, depth, dict(
        debias=debias, time_pca=time_pca, return_residual=return_residual))
    alpha = validation.check_alpha_percent(alpha)
    maxit, tol, active_set_size, dgap_freq, weights_min = check_solver_options(
        maxit, tol, active_set_size, dgap_freq, weights_min)
    n_mxne_iter = validation.check_n_mxne_iter(n_mxne_iter)
    prep = prepare_sparse_gain(forward, evoked.info, noise_cov, loose=loose, depth=depth,
                               weights=weights, weights_min=weights_min,
                               use_cps=validation.check_bool(use_cps, "use_cps"))  # 1.
    L, n_orient = prep.L, prep.n_orient
    b = whitened_data(evoked, prep, check_units=check_units)
    if time_pca:                                                                # 2.
        U, s, Vh = np.linalg.svd(b, full_matrices=False)
        b = U * s
    a_max = alpha_max(L, b, n_orient)                                           # 3.
    alpha_data = alpha / 100.0 * a_max
    tol_data = tol * float(np.sum(b**2))
    if n_mxne_iter == 1:                                                        # 4.
        sol = mxne(b, L, alpha_data, n_orient, active_set_size=active_set_size, maxit=maxit,
                   tol=tol_data, dgap_freq=dgap_freq)
    else:
        sol = irmxne(b, L, alpha_data, n_orient, n_mxne_iter=n_mxne_iter, unit=a_max / 100.0,
                     active_set_size=active_set_size, maxit=maxit, tol=tol_data,
                     dgap_freq=dgap_freq)
    j, active = sol.j, sol.active
    if debias and active.any():                                                 # 5.
        j = j * debias_scaling(b, L[:, active], j, n_orient)[:, None]
    if time_pca:
        j = j @ Vh
    active = _full_active(prep, active)
    if not active.any():
        raise RuntimeError(f"No active dipoles found: alpha={alpha}% of alpha_max is too big")
    j_Am = j * prep.source_weighting[active][:, None]                          # 6.
    tstep = 1.0 / evoked.info["sfreq"]
    stc = _to_stc(j_Am, active, prep, evoked.times[0], tstep)
    if return_residual:
        return stc, _residual(evoked, prep, j_Am, active)
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
                  tol=1e-4, weights=None, weights_min=0.0, debias=True, wsize=64, tstep=4,
                  window=0.02, return_residual=False, alpha=None, l1_ratio=None,
                  active_set_size=10, dgap_freq=10, check_units=True, use_cps=True):
    """TF-MxNE as ``mne.inverse_sparse.tf_mixed_norm`` (same arguments and defaults).

    1. L, W = prepare_sparse_gain(...);  data tapered at both ends (``window`` s);
       b = W evoked.data
    2. alpha_max = max_k eps-norm(Phi(L_k^T b)) for rho = l1_ratio;  tol_data = tol ||b||^2
    3. alpha_space = alpha/100 alpha_max (1 - l1_ratio), alpha_time = alpha/100 alpha_max l1_ratio
    4. Z = TF-MxNE(b, L); j = Z Phi^H; debias; j_Am = j * source_weighting

    ``alpha`` and ``l1_ratio`` are keyword arguments defaulting to None as in MNE, where None
    fails; here too, with a clear message. ``check_units``, ``use_cps``: as in
    :func:`mixed_norm`.
    Not supported: several dictionaries, n_tfmxne_iter > 1, return_as_dipoles, pick_ori.
    """
    loose, depth = check_objects(evoked, forward, noise_cov, loose, depth, dict(
        debias=debias, return_residual=return_residual))
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
                               use_cps=validation.check_bool(use_cps, "use_cps"))  # 1.
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
        return stc, _residual(windowed, prep, j_Am, active)
    return stc
