"""The gain of the sparse solvers (minnorm_teach.sparse.gain): its formulas, its errors, and a
twin of the gain MNE-Python's ``mixed_norm`` builds.

The twin compares with MNE's private ``mne.inverse_sparse.mxne_inverse._prepare_gain``, called
here in a test only (the package never imports a private MNE name): that is the exact gain,
whitener and source weighting ``mixed_norm`` and ``tf_mixed_norm`` hand to their solvers.
"""

from functools import cache

import mne
import numpy as np
import pytest
from mne.inverse_sparse.mxne_inverse import _prepare_gain  # private: compared in a test only
from mne.minimum_norm import apply_inverse, make_inverse_operator

import minnorm_teach as mt
from minnorm_teach import sparse as sp
from minnorm_teach.check import relative_error

mne.set_log_level("WARNING")


@cache
def course():
    data = mt.datasets.load_data()
    return data, data.evoked.copy().crop(0.0, 0.2)


@cache
def dspm_weights():
    data, evoked = course()
    inv = make_inverse_operator(evoked.info, data.fwd, data.noise_cov, depth=0.9, fixed=True)
    return apply_inverse(evoked, inv, lambda2=1.0 / 9.0, method="dSPM")


CASES = {"fixed": (0.0, 0.8, False), "loose 0.2": (0.2, 0.8, False), "free": (1.0, 0.8, False),
         "fixed, no depth": (0.0, None, False), "loose 0.9, dSPM weights": (0.9, 0.9, True),
         "fixed, dSPM weights": (0.0, 0.8, True)}


@pytest.mark.parametrize("case", CASES)
def test_gain_matches_the_one_mne_mixed_norm_solves(case):
    """Same channels, whitener, gain, source weighting and weights mask as MNE, to 1e-10."""
    loose, depth, weighted = CASES[case]
    data, evoked = course()
    weights, weights_min = (dspm_weights(), 8.0) if weighted else (None, 0.0)
    fwd, L_mne, gain_info, whitener, weighting, mask = _prepare_gain(
        data.fwd, evoked.info, data.noise_cov, True, depth, loose, None, weights, weights_min)
    ours = sp.prepare_sparse_gain(data.fwd, evoked.info, data.noise_cov, loose=loose,
                                  depth=depth, weights=weights, weights_min=weights_min)
    assert ours.ch_names == gain_info["ch_names"]
    assert ours.n_orient == (1 if loose == 0 else 3)
    assert relative_error(ours.W, whitener) < 1e-10
    assert relative_error(ours.L, L_mne) < 1e-10
    assert relative_error(ours.source_weighting, weighting) < 1e-10
    assert (mask is None and ours.mask is None) or np.array_equal(ours.mask, mask)
    rows = [fwd["sol"]["row_names"].index(c) for c in ours.ch_names]
    assert relative_error(ours.lead_field, fwd["sol"]["data"][rows]) < 1e-10


def test_trace_of_the_weighted_gain_is_the_rank():
    """||L_tilde||_F^2 = n_nzero, the rows of the pca whitener (no weights)."""
    data, evoked = course()
    prep = sp.prepare_sparse_gain(data.fwd, evoked.info, data.noise_cov, loose=0.2)
    assert prep.W.shape[0] < len(prep.ch_names)                     # the pca rows only
    assert abs(np.sum(prep.L**2) / prep.W.shape[0] - 1) < 1e-12


@pytest.mark.parametrize("loose", [0.0, 0.2])
def test_depth_sparse_is_frobenius_on_the_whitened_gain_without_limit(loose):
    """R_k proportional to (1 / ||W L_k||_F^2)^depth * [loose, loose, 1]: closed form."""
    data, evoked = course()
    prep = sp.prepare_sparse_gain(data.fwd, evoked.info, data.noise_cov, loose=loose,
                                  depth=0.8)
    n_orient = prep.n_orient
    L_w = prep.W @ prep.lead_field
    d = np.sum(L_w**2, axis=0).reshape(-1, n_orient).sum(axis=1)
    R0 = np.repeat(d ** -0.8, n_orient) * (np.tile([loose, loose, 1.0], len(d))
                                            if n_orient == 3 else 1.0)
    ratio = prep.source_weighting**2 / R0
    assert relative_error(ratio, np.full_like(ratio, ratio[0])) < 1e-12   # one trace scale c
    assert d.max() / d.min() > 10.0**2          # a limit of 10 (chapter 06) would have clipped


def test_fixed_gain_is_the_float32_normal_component():
    data, evoked = course()
    prep = sp.prepare_sparse_gain(data.fwd, evoked.info, data.noise_cov, loose=0.0)
    assert np.array_equal(prep.lead_field.astype(np.float32), prep.lead_field)
    loose = sp.prepare_sparse_gain(data.fwd, evoked.info, data.noise_cov, loose=0.2)
    normal = loose.lead_field[:, 2::3]                                # [t1, t2, n] per location
    # l_k = L_k n_k with the normal as stored (float32 precision, |n_k| = 1 to ~1e-7), while
    # the frame's n is a unit eigenvector: the two agree to the float32 level
    assert relative_error(prep.lead_field, normal) < 1e-6


def test_weights_scale_the_columns_and_weights_min_drops_locations():
    data, evoked = course()
    n_sources = data.fwd["nsource"]
    w = np.linspace(1.0, 2.0, n_sources)
    plain = sp.prepare_sparse_gain(data.fwd, evoked.info, data.noise_cov, loose=0.0)
    prep = sp.prepare_sparse_gain(data.fwd, evoked.info, data.noise_cov, loose=0.0,
                                  weights=w, weights_min=1.5)
    kept = w > 1.5
    assert np.array_equal(prep.mask, kept)
    assert relative_error(prep.L, plain.L[:, kept] * (w[kept] / 2.0)) < 1e-14
    assert relative_error(prep.source_weighting, plain.source_weighting * w / 2.0) < 1e-14


def test_bad_inputs_get_clear_errors():
    data, evoked = course()
    fwd, info, cov = data.fwd, evoked.info, data.noise_cov
    n_sources = fwd["nsource"]
    with pytest.raises(ValueError, match=r"loose must be a number in \[0, 1\], got 1.5"):
        sp.prepare_sparse_gain(fwd, info, cov, loose=1.5)
    with pytest.raises(ValueError, match=r"loose must be a dict with the keys \['surface'\]"):
        sp.prepare_sparse_gain(fwd, info, cov, loose={"volume": 0.2})
    with pytest.raises(ValueError, match=r"depth\['limit'\] must be None \(implemented"):
        sp.prepare_sparse_gain(fwd, info, cov, depth={"exp": 0.8, "limit": 10.0})
    with pytest.raises(ValueError, match=f"weights must be one value per source location, "
                                         rf"{n_sources}, got shape \(10,\)"):
        sp.prepare_sparse_gain(fwd, info, cov, weights=np.ones(10))
    with pytest.raises(ValueError, match="weights_min must be at most the largest weight 2 "):
        sp.prepare_sparse_gain(fwd, info, cov, weights=np.full(n_sources, 2.0), weights_min=3.0)
    with pytest.raises(TypeError, match="weights must be None, an array or a SourceEstimate"):
        sp.prepare_sparse_gain(fwd, info, cov, weights=[1.0] * n_sources)
    fixed = mne.convert_forward_solution(fwd, surf_ori=True, force_fixed=True)
    with pytest.raises(ValueError, match="loose must be 0 with a fixed-orientation forward"):
        sp.prepare_sparse_gain(fixed, info, cov, loose=0.2)
    partial = cov.copy().pick_channels(cov.ch_names[1:], ordered=True)
    with pytest.raises(ValueError, match="noise_cov lacks 1 of the 365 channels the gain"):
        sp.prepare_sparse_gain(fwd, info, partial)


def test_patch_normals_follow_use_cps():
    """MNE's sparse solvers orient fixed and loose sources by patch-average normals (use_cps):
    use_cps=False (vertex normals) gives another gain, equal to MNE's convert_forward_solution
    with use_cps=False; the free gain does not depend on it."""
    data, evoked = course()
    assert mt.lead_field.has_patch_info(data.fwd["src"])
    for loose in (0.0, 0.2):
        cps, vertex = (sp.prepare_sparse_gain(data.fwd, evoked.info, data.noise_cov,
                                              loose=loose, use_cps=use_cps)
                       for use_cps in (True, False))
        assert relative_error(cps.lead_field, vertex.lead_field) > 0.05
        converted = mne.convert_forward_solution(data.fwd, surf_ori=True, force_fixed=loose == 0,
                                                 use_cps=False)
        rows = [converted["sol"]["row_names"].index(c) for c in vertex.ch_names]
        assert relative_error(vertex.lead_field, converted["sol"]["data"][rows]) < 1e-10
    free = [sp.prepare_sparse_gain(data.fwd, evoked.info, data.noise_cov, loose=1.0,
                                   use_cps=use_cps).L for use_cps in (True, False)]
    np.testing.assert_array_equal(*free)
