"""The nine estimators of the benchmark, each with its usual parameters, on simulated data.

Everything that depends only on the forward model and the noise covariance is prepared once
(:func:`prepare`): the minimum-norm operator (chapter 06), the kernels (07-08, one per method,
lambda2 and nave, made on first use), the sparse solvers' gain (10-12, 15). Each estimate then
follows the package's MNE mirror step by step on arrays (``tests/test_benchmark.py`` checks
that it equals the mirror): :func:`estimate` returns the dipole vectors of every location in
head coordinates, (n_sources, 3, n_times), so that every method is scored the same way.

The parameters (:data:`PARAMETERS`) are the usual ones: MNE's defaults where MNE has them,
the course's choices where it does not. Three methods return a statistic, not A·m (dSPM,
sLORETA, LCMV with unit-noise-gain weights): their amplitudes are not compared.
"""

from dataclasses import dataclass, field

import mne
import numpy as np

from .. import beamformer, sparse, whitening
from ..kernel import apply_kernel
from ..lead_field import fixed_lead_field, source_normals, surface_frames
from ..noise_norm import prepare_kernel
from ..operator import make_inverse_operator
from ..sparse.gamma_map import gamma_map_solver
from ..sparse.mirror import _window_edges

__all__ = ["METHODS", "AMPERE_METRES", "PARAMETERS", "LOOSE", "DEPTH", "MXNE_ALPHA",
           "TF_ALPHA", "TF_L1_RATIO", "Solvers", "prepare", "estimate"]

METHODS = ("MNE", "dSPM", "sLORETA", "eLORETA", "MxNE", "irMxNE", "TF-MxNE", "LCMV",
           "γ-MAP")
AMPERE_METRES = ("MNE", "eLORETA", "MxNE", "irMxNE", "TF-MxNE", "γ-MAP")
LOOSE, DEPTH = 0.2, 0.8          # MNE's defaults for a cortical source space
MXNE_ALPHA = 50.0                # % of alpha_max, as chapters 10-11
TF_ALPHA, TF_L1_RATIO, TF_WSIZE, TF_TSTEP = 40.0, 0.03, 16, 4    # MNE's TF-MxNE example

PARAMETERS = {
    "MNE": "λ² = 1/SNR², loose 0.2, depth 0.8 (MNE's defaults; λ² from the true SNR)",
    "dSPM": "as MNE, divided by the noise SD of each location",
    "sLORETA": "as MNE, divided by the SD of the estimate under noise and prior",
    "eLORETA": "λ² = 1/SNR², loose 0.2; weights by MNE's fixed point (eps 1e-6, 20 iterations)",
    "MxNE": f"α = {MXNE_ALPHA:g} % of α_max, loose 0.2, depth 0.8, debiased (MNE's defaults "
            f"but α; SURE is MNE's default α)",
    "irMxNE": "as MxNE with 10 reweightings (MNE's example)",
    "TF-MxNE": f"α = {TF_ALPHA:g} % of α_max, l1_ratio {TF_L1_RATIO}, wsize {TF_WSIZE}, "
               f"tstep {TF_TSTEP} (MNE's example), loose 0.2, depth 0.8",
    "LCMV": "reg 0.05, unit-noise-gain-invariant, free orientation (MNE's defaults); data "
            "covariance of the single trials, 0-300 ms",
    "γ-MAP": "α = 1/nave (the noise variance of the whitened average), which MNE's grouped "
             "update turns into an effective noise variance of 3/nave (chapter 15, section 8); "
             "loose 0.2, depth 0.8, MNE's defaults (tol 1e-6)",
}


@dataclass(frozen=True, eq=False)
class Solvers:
    """What every estimate shares: channels, operators, gains, frames (prepared once)."""

    info: mne.Info
    fwd: mne.Forward
    noise_cov: mne.Covariance
    ch_names: tuple
    inv: object                            # InverseOperator (loose 0.2, depth 0.8)
    prep: object                           # SparseGain (loose 0.2, depth 0.8)
    L_fixed: np.ndarray                    # (n_channels, n_sources) along n_k, the truth's
    normals: np.ndarray                    # (n_sources, 3) n_k
    positions: np.ndarray                  # (n_sources, 3) m, head coordinates
    frames: np.ndarray                     # (n_sources, 3, 3) rows t1, t2, n (xyz)
    colorer: np.ndarray                    # (n_channels, n_channels) C^{1/2}, one trial
    P: np.ndarray                          # (n_channels, n_channels) projector
    kernels: dict = field(default_factory=dict, repr=False)

    @property
    def n_sources(self):
        return len(self.positions)


def prepare(info, fwd, noise_cov):
    """Solvers for the good channels of ``info`` (those of the operator and the gain)."""
    inv = make_inverse_operator(info, fwd, noise_cov, loose=LOOSE, depth=DEPTH)
    prep = sparse.prepare_sparse_gain(fwd, info, noise_cov, loose=LOOSE, depth=DEPTH)
    if tuple(prep.ch_names) != tuple(inv.ch_names):
        raise RuntimeError("the operator and the sparse gain use different channels")
    rows = [fwd["sol"]["row_names"].index(c) for c in inv.ch_names]
    L_fixed, normals = fixed_lead_field(fwd)
    frames = surface_frames(source_normals(fwd["src"]))
    return Solvers(info=info, fwd=fwd, noise_cov=noise_cov, ch_names=tuple(inv.ch_names),
                   inv=inv, prep=prep, L_fixed=L_fixed[rows], normals=normals,
                   positions=np.asarray(fwd["source_rr"], float), frames=frames,
                   colorer=whitening.colorer_from_eigh(inv.eig, inv.E), P=inv.P)


def _to_xyz(components, frames):
    """(n_sources, 3, T) along each location's frame rows -> x, y, z."""
    return np.einsum("kij,kit->kjt", frames, components)


def _linear(solvers, method, b, snr, nave):
    key = (method, snr, nave)
    if key not in solvers.kernels:
        solvers.kernels[key] = prepare_kernel(solvers.inv, 1.0 / snr ** 2, method, nave)
    j = apply_kernel(solvers.kernels[key], b, 3, pick_ori="vector")
    return _to_xyz(j, solvers.inv.source_nn.reshape(-1, 3, 3))


def _sparse_vectors(solvers, j_white, active):
    """j_Am = j sqrt(R) on the active dipoles, as (n_sources, 3, T) vectors in xyz."""
    full = np.zeros((solvers.prep.L.shape[1], j_white.shape[1]))
    full[active] = j_white * solvers.prep.source_weighting[active][:, None]
    return _to_xyz(full.reshape(solvers.n_sources, 3, -1), solvers.frames)


def _mxne(solvers, b, n_mxne_iter):
    """mixed_norm's steps: time PCA, alpha %, MxNE or irMxNE, debias, back to time."""
    L = solvers.prep.L
    U, s, Vh = np.linalg.svd(b, full_matrices=False)
    b_pca = U * s
    a_max = sparse.alpha_max(L, b_pca, 3)
    alpha, tol = MXNE_ALPHA / 100 * a_max, 1e-4 * float(np.sum(b_pca ** 2))
    if n_mxne_iter == 1:
        sol = sparse.mxne(b_pca, L, alpha, 3, tol=tol)
    else:
        sol = sparse.irmxne(b_pca, L, alpha, 3, n_mxne_iter=n_mxne_iter, unit=a_max / 100,
                            tol=tol)
    j = sol.j
    if sol.active.any():
        j = j * sparse.debias_scaling(b_pca, L[:, sol.active], j, 3)[:, None]
    return j @ Vh, sol.active


def _tf_mxne(solvers, b_raw, sfreq):
    """tf_mixed_norm's steps: tapered edges, alpha % of the eps-norm alpha_max, debias."""
    L = solvers.prep.L
    b = solvers.prep.W @ _window_edges(b_raw, sfreq, 0.02)
    frame = sparse.make_frame(TF_WSIZE, TF_TSTEP, b.shape[1])
    a_max = sparse.alpha_max_tf(L, b, frame, TF_L1_RATIO, 3)
    alpha = TF_ALPHA / 100 * a_max
    sol, frame = sparse.tf_mxne(b, L, alpha * (1 - TF_L1_RATIO), alpha * TF_L1_RATIO, 3,
                                wsize=TF_WSIZE, tstep=TF_TSTEP, tol=1e-4 * float(np.sum(b**2)))
    j = frame.synthesis(sol.j)
    if sol.active.any():
        j = j * sparse.debias_scaling(b, L[:, sol.active], j, 3)[:, None]
    return j, sol.active


def _lcmv(solvers, epochs, b):
    """make_lcmv with MNE's defaults on the covariance of the single trials; j = K b."""
    n_trials, n_channels, n_times = epochs.shape
    X = epochs.transpose(1, 0, 2).reshape(n_channels, -1)
    cov = mne.Covariance(X @ X.T / X.shape[1], list(solvers.ch_names), bads=[],
                         projs=list(solvers.info["projs"]), nfree=X.shape[1] - 1)
    filters = beamformer.make_lcmv(solvers.info, solvers.fwd, cov, reg=0.05,
                                   noise_cov=solvers.noise_cov)
    if filters.ch_names != solvers.ch_names:
        raise RuntimeError("the beamformer uses other channels than the operator")
    j = (filters.K @ b).reshape(solvers.n_sources, 3, n_times)
    if solvers.fwd["surf_ori"]:
        return _to_xyz(j, solvers.frames)
    return j


def estimate(solvers, method, b, epochs, snr, nave, sfreq):
    """Dipole vectors (n_sources, 3, n_times) of ``method`` for the evoked ``b`` (channels
    ``solvers.ch_names``) averaged from ``epochs`` (nave, n_channels, n_times)."""
    if method in ("MNE", "dSPM", "sLORETA", "eLORETA"):
        return _linear(solvers, method, b, snr, nave)
    if method in ("MxNE", "irMxNE"):
        j, active = _mxne(solvers, solvers.prep.W @ b, 1 if method == "MxNE" else 10)
        return _sparse_vectors(solvers, j, active)
    if method == "TF-MxNE":
        return _sparse_vectors(solvers, *_tf_mxne(solvers, b, sfreq))
    if method == "LCMV":
        return _lcmv(solvers, epochs, b)
    if method == "γ-MAP":
        sol = gamma_map_solver(solvers.prep.W @ b, solvers.prep.L, 1.0 / nave, 3)
        return _sparse_vectors(solvers, sol.j, sol.active)
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")
