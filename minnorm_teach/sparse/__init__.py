"""Sparse solvers: MxNE, irMxNE and TF-MxNE (chapters 10-12).

Array level (alpha in whitened data units):
:mod:`.penalties` (norms, prox), :mod:`.objective` (the one objective and duality gap),
:mod:`.solvers` (ISTA/FISTA, BCD, working sets), :mod:`.reweighting` (irMxNE, debiasing),
:mod:`.stft` (tight-frame Gabor dictionary), :mod:`.tf` (TF-MxNE), :mod:`.sure` (choosing
alpha by Stein's unbiased risk estimate), :mod:`.report` (amplitudes in A·m, distances).
MNE edge: :mod:`.gain` (the whitened, weighted gain, :func:`prepare_sparse_gain`) and the
mirrors (alpha in percent of alpha_max) :func:`mixed_norm`, :func:`tf_mixed_norm`.
Input checks: :mod:`.checks` (the array problem and the settings that bound every solve),
:mod:`.edge` (the mirrors' MNE objects, options, data and units).
"""

from .gain import SparseGain, prepare_sparse_gain
from .mirror import as_source_estimate, mixed_norm, mxne_solver, tf_mixed_norm
from .objective import Gap, alpha_max, duality_gap, objective
from .penalties import L21, group_norms, norm_l2inf, norm_l21, prox_l1_columns, prox_l21
from .report import (
    active_interval,
    distances_mm,
    energy_outside,
    hemisphere_of,
    location_amplitudes,
    location_map,
    patch_score,
)
from .reweighting import L05, ReweightedSolution, debias_scaling, irmxne
from .solvers import SparseSolution, bcd, mxne, proximal_gradient, working_set
from .stft import STFTFrame, istft, make_frame, stft
from .sure import SurePath, sure_grid, sure_path
from .tf import L21L1, alpha_max_tf, epsilon_norm, prox_l21_l1, tf_bcd, tf_mxne

__all__ = ["Gap", "alpha_max", "duality_gap", "objective", "L21", "L05", "group_norms",
           "norm_l2inf", "norm_l21", "prox_l1_columns", "prox_l21", "debias_scaling",
           "irmxne", "SparseSolution", "bcd", "mxne", "proximal_gradient", "working_set",
           "STFTFrame", "istft", "make_frame", "stft", "L21L1", "alpha_max_tf", "epsilon_norm",
           "prox_l21_l1", "tf_bcd", "tf_mxne", "SparseGain", "mixed_norm", "prepare_sparse_gain",
           "tf_mixed_norm", "ReweightedSolution", "SurePath", "sure_grid", "sure_path",
           "as_source_estimate", "mxne_solver", "location_amplitudes", "location_map",
           "distances_mm", "energy_outside", "hemisphere_of", "active_interval", "patch_score"]
