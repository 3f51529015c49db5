"""Twin tests: minnorm_teach.linalg against MNE-Python on the course data.

Setting of chapters 03-04: EEG only (60 channels, average reference, noise rank 59), free
orientation (loose=1), no depth weighting, white noise covariance C = sigma^2 I. Then MNE's
``apply_inverse(method="MNE")`` is the slides' L^T (G + eps I)^-1 with
eps = lambda2 tr(G) / n_nzero, and MNE's SVD is the SVD of L_tilde = P L sqrt(r) / sigma.
"""

from types import SimpleNamespace

import mne
import numpy as np
import pytest

import minnorm_teach as mt
from minnorm_teach import linalg as la
from minnorm_teach.check import relative_error

RTOL = 1e-10


@pytest.fixture(scope="module")
def eeg():
    mne.set_log_level("WARNING")
    data = mt.datasets.load_data()
    evoked = data.evoked.copy().pick("eeg")
    fwd = mne.pick_types_forward(data.fwd, meg=False, eeg=True)
    noise_cov = mne.make_ad_hoc_cov(evoked.info)
    inv = mne.minimum_norm.make_inverse_operator(evoked.info, fwd, noise_cov, loose=1.0,
                                                 depth=None, fixed=False)
    L = fwd["sol"]["data"]
    n_channels = L.shape[0]
    P = la.projector(np.ones((1, n_channels)))
    sigma = np.sqrt(noise_cov["data"][0])
    L_ref = P @ L
    n_nzero = n_channels - 1
    r = n_nzero / np.sum((L_ref / sigma) ** 2)
    return SimpleNamespace(data=data, evoked=evoked, inv=inv, L_ref=L_ref, P=P, sigma=sigma,
                           n_nzero=n_nzero, r=r, L_tilde=L_ref * np.sqrt(r) / sigma,
                           usv=la.svd(L_ref * np.sqrt(r) / sigma))


def _mne_vector(eeg, lambda2, evoked=None):
    stc = mne.minimum_norm.apply_inverse(eeg.evoked if evoked is None else evoked, eeg.inv,
                                         lambda2, method="MNE", pick_ori="vector")
    return stc.data                                          # (n_locations, 3, n_times)


@pytest.mark.parametrize("lambda2", [1e-4, 1 / 9, 1.0, 100.0])
def test_slides_formula_equals_apply_inverse(eeg, lambda2):
    eps = lambda2 * np.sum(eeg.L_ref ** 2) / eeg.n_nzero     # tr(G) / n_nzero * lambda2
    K = la.tikhonov_kernel(eeg.L_ref, eps) @ eeg.P
    ours = (K @ eeg.evoked.data).reshape(-1, 3, len(eeg.evoked.times))
    assert relative_error(ours, _mne_vector(eeg, lambda2)) < RTOL


def test_mne_amplitude_does_not_depend_on_nave(eeg):
    evoked_one = eeg.evoked.copy()
    evoked_one.nave = 1
    assert eeg.evoked.nave == 60
    assert relative_error(_mne_vector(eeg, 1 / 9, evoked_one), _mne_vector(eeg, 1 / 9)) < RTOL


def test_svd_kernel_route_equals_apply_inverse(eeg):
    K = np.sqrt(eeg.r) * la.svd_kernel(eeg.usv, 1 / 9) @ eeg.P / eeg.sigma   # R^1/2 K W P
    ours = (K @ eeg.evoked.data).reshape(-1, 3, len(eeg.evoked.times))
    assert relative_error(ours, _mne_vector(eeg, 1 / 9)) < RTOL


def test_svd_pieces_match_inverse_operator(eeg):
    k = eeg.n_nzero
    inv = eeg.inv
    assert int(np.sum(inv["noise_cov"]["eig"] > 0)) == k
    assert relative_error(np.full(eeg.L_ref.shape[1], eeg.r), inv["source_cov"]["data"]) < RTOL
    assert relative_error(eeg.usv.s[:k], inv["sing"][:k]) < RTOL
    assert np.isclose(np.sum(inv["sing"] ** 2), k, rtol=1e-12)        # trace normalisation
    V_mne = inv["eigen_leads"]["data"][:, :k]
    sign = np.sign(np.sum(eeg.usv.V[:, :k] * V_mne, axis=0))
    assert relative_error(eeg.usv.V[:, :k] * sign, V_mne) < RTOL
    prepared = mne.minimum_norm.prepare_inverse_operator(inv, nave=1, lambda2=1 / 9,
                                                         method="MNE")
    fields_mne = inv["eigen_fields"]["data"][:k] @ prepared["whitener"] @ prepared["proj"]
    fields_ours = (eeg.usv.U[:, :k] * sign).T @ eeg.P / eeg.sigma
    assert relative_error(fields_ours, fields_mne) < RTOL
    assert relative_error(la.regularised_inverse(eeg.usv.s[:k], 1 / 9),
                          prepared["reginv"][:k]) < RTOL


def test_brainstorm_snr3_equals_mne_rank_corrected_lambda2(eeg):
    n_channels = eeg.L_ref.shape[0]
    lambda2 = la.lambda2_from_brainstorm_snr(3.0, eeg.n_nzero, n_channels)
    assert np.isclose(lambda2, 59 / 540, rtol=1e-14)
    assert np.isclose(1 / la.brainstorm_lambda(eeg.L_tilde, 3.0), lambda2, rtol=1e-12)
    K = np.sqrt(eeg.r) * la.brainstorm_kernel(eeg.L_tilde, 3.0) @ eeg.P / eeg.sigma
    ours = (K @ eeg.evoked.data).reshape(-1, 3, len(eeg.evoked.times))
    assert relative_error(ours, _mne_vector(eeg, lambda2)) < RTOL
    gap = relative_error(_mne_vector(eeg, 1 / 9), _mne_vector(eeg, lambda2))
    assert 1e-3 < gap < 0.03                   # 1/9 is not Brainstorm's SNR 3 (rank 59 of 60)


def test_mne_whitener_contains_the_projectors(eeg):
    info = eeg.data.info
    good = mne.pick_types(info, meg=True, eeg=True, exclude="bads")
    W, names = mne.cov.compute_whitener(eeg.data.noise_cov, info, pca=False)
    assert names == [info["ch_names"][k] for k in good]
    rows = []
    for proj in info["projs"]:
        cols = proj["data"]["col_names"]
        for vector in proj["data"]["data"]:
            rows.append([vector[cols.index(c)] if c in cols else 0.0 for c in names])
    P = la.projector(np.array(rows))
    assert round(np.trace(P)) == len(good) - 4                 # 3 SSP + average reference
    assert relative_error(W @ P, W) < RTOL
    assert np.linalg.matrix_rank(W) == 361
