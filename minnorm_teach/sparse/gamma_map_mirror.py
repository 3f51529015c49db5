"""The MNE mirror of γ-MAP: ``gamma_map`` with MNE-Python's arguments and defaults.

Arrays inside, MNE objects at the edges, as ``mixed_norm``: the gain is the sparse solvers'
L_tilde = W L diag(sqrt(R)) (:func:`minnorm_teach.sparse.prepare_sparse_gain`: pca whitener,
``depth_sparse`` prior, orientation prior ``loose``), the data are whitened, b = W evoked.data,
the array solver :func:`~minnorm_teach.sparse.gamma_map.gamma_map_solver` runs, and
j_Am = j sqrt(R) comes back as a SourceEstimate (free/loose: sqrt(j_1^2 + j_2^2 + j_3^2) per
location).

``alpha`` is the variance of the noise **in the whitened data**. The whitener is the noise
covariance's, for one trial: the noise of an average of nave trials has variance 1 / nave
there, so alpha = 1 / nave is the model's own value (MNE's example uses 0.5 on 55 trials).
"""

import mne
import numpy as np

from .. import validation
from ..validation.errors import shown
from .edge import check_objects, residual_evoked, whitened_data
from .gain import prepare_sparse_gain
from .gamma_map import gamma_map_solver, gamma_scale

__all__ = ["gamma_map"]


def _sparse_stc(j_Am, active, n_orient, src, tmin, tstep):
    """SourceEstimate on the active locations (a location is active if any component is)."""
    n_rows = len(active)
    full = np.zeros((n_rows, j_Am.shape[1]))
    full[active] = j_Am
    locations = np.flatnonzero(active.reshape(-1, n_orient).any(axis=1))
    blocks = full.reshape(-1, n_orient, j_Am.shape[1])[locations]
    data = blocks[:, 0] if n_orient == 1 else np.sqrt(np.sum(blocks ** 2, axis=1))
    n_lh = len(src[0]["vertno"])
    vertices = [src[0]["vertno"][locations[locations < n_lh]],
                src[1]["vertno"][locations[locations >= n_lh] - n_lh]]
    return mne.SourceEstimate(data, vertices, tmin=tmin, tstep=tstep,
                              subject=src[0].get("subject_his_id"))


def gamma_map(evoked, forward, noise_cov, alpha, *, loose="auto", depth=0.8,
              xyz_same_gamma=True, maxit=10000, tol=1e-6, update_mode=1, gammas=None,
              pca=True, return_residual=False, check_units=True):
    """γ-MAP as ``mne.inverse_sparse.gamma_map`` (same arguments and defaults).

    1. L, W = prepare_sparse_gain(forward, evoked.info, noise_cov, loose, depth); b = W data
    2. gammas, j = gamma_map_solver(b, L, alpha, n_orient, xyz_same_gamma, ...)
    3. j_Am = j sqrt(R) on the active sources; SourceEstimate

    ``gammas`` are initial variances in MNE's scaled units (1, the default, is MNE's start:
    the problem scaled by sqrt(||b b^T||_F) and ||L||_inf). ``pca`` is accepted for MNE's
    signature; the result does not depend on it (the whitener's zero rows add nothing to
    L Gamma L^T + alpha I but alpha I on directions no data reach). Returns ``stc`` or, with
    ``return_residual``, ``(stc, residual)``. ``check_units``: refuse data whose whitened
    variance is orders of magnitude away from 1 (see :func:`minnorm_teach.apply_inverse`).
    Not supported: ``rank``, ``pick_ori``, ``return_as_dipoles``.
    """
    loose, depth = check_objects(evoked, forward, noise_cov, loose, depth, dict(
        xyz_same_gamma=xyz_same_gamma, pca=pca, return_residual=return_residual))
    alpha = validation.check_real(alpha, "alpha", low=0, low_open=True,
                                  hint="alpha is the noise variance of the whitened data, "
                                       "e.g. 1 / evoked.nave")
    prep = prepare_sparse_gain(forward, evoked.info, noise_cov, loose=loose, depth=depth)  # 1.
    b = whitened_data(evoked, prep, check_units=check_units)
    if gammas is not None:
        gammas = validation.as_real_array(gammas, "gammas", ndim=1) * gamma_scale(b, prep.L)
    sol = gamma_map_solver(b, prep.L, alpha, prep.n_orient, xyz_same_gamma=xyz_same_gamma,  # 2.
                           maxit=maxit, tol=tol, update_mode=update_mode, gammas=gammas)
    if not sol.active.any():
        raise validation.refuse("alpha", "small enough to leave one source variance above 0",
                                shown(f"{alpha:g}: every variance went to 0"),
                                "the model explains the data as noise alone")
    j_Am = sol.j * prep.source_weighting[sol.active][:, None]                            # 3.
    stc = _sparse_stc(j_Am, sol.active, prep.n_orient, forward["src"], evoked.times[0],
                      1.0 / evoked.info["sfreq"])
    if return_residual:
        return stc, residual_evoked(evoked, prep, j_Am, sol.active)
    return stc
