"""Unit tests of minnorm_teach.whitening: W C W^T = I, make_whitener, bad inputs, whitened GFP."""

import mne
import numpy as np
import pytest

from minnorm_teach import whitening

rng = np.random.default_rng(0)


def _toy(n_meg=8, n_eeg=5):
    """A covariance with an SSP direction on MEG and the average reference on EEG."""
    n = n_meg + n_eeg
    A = rng.normal(size=(n, 4 * n))
    scales = np.r_[np.full(n_meg, 1e-12), np.full(n_eeg, 1e-6)]
    C = scales[:, None] * (A @ A.T / (4 * n)) * scales[None, :]
    names = [f"MEG {i:03d}" for i in range(n_meg)] + [f"EEG {i:03d}" for i in range(n_eeg)]
    types = ("mag",) * n_meg + ("eeg",) * n_eeg
    ssp = np.r_[rng.normal(size=n_meg), np.zeros(n_eeg)]
    avg = np.r_[np.zeros(n_meg), np.ones(n_eeg)]
    Q, _ = np.linalg.qr(np.c_[ssp, avg])
    P = np.eye(n) - Q @ Q.T
    return C, P, names, types


def test_whitener_identity_on_kept_subspace():
    C, P, _, types = _toy()
    C_P = P @ C @ P.T
    groups = whitening.channel_groups(types)
    ranks = whitening.noise_cov_rank(C_P, types)
    assert ranks == {"meg": 7, "eeg": 4}
    eig, E = whitening.eigh_by_group(C_P, groups, ranks)
    W = whitening.whitener_from_eigh(eig, E)
    assert W.shape == (13, 13) and np.sum(~W.any(axis=1)) == 2       # two zero rows
    # W C_P W^T is the identity on the kept components, per group (cross terms ignored)
    C_block = np.zeros_like(C_P)
    for idx in groups.values():
        C_block[np.ix_(idx, idx)] = C_P[np.ix_(idx, idx)]
    keep = eig > 0
    np.testing.assert_allclose((W @ C_block @ W.T)[np.ix_(keep, keep)], np.eye(11), atol=1e-10)
    W_pca = whitening.whitener_from_eigh(eig, E, pca=True)
    assert W_pca.shape == (11, 13)
    np.testing.assert_allclose(W_pca @ C_block @ W_pca.T, np.eye(11), atol=1e-10)
    colorer = whitening.colorer_from_eigh(eig, E)
    np.testing.assert_allclose(colorer @ colorer.T, C_block, rtol=0, atol=1e-10 * C_block.max())


def test_make_whitener_bad_inputs():
    names = ["EEG 1", "EEG 2", "EEG 3"]
    info = mne.create_info(names, 100.0, "eeg")
    cov = mne.Covariance(np.eye(2) * 1e-12, names[:2], [], [], 10)
    with pytest.raises(ValueError, match=r"noise_cov lacks 1 of the 3 .*: 1 channel \(EEG 3\)"):
        whitening.make_whitener(cov, info, names)
    bad = mne.Covariance(np.eye(3) * 1e-12, names[:2], [], [], 10)
    with pytest.raises(ValueError, match="lists 2 channel names"):
        whitening.make_whitener(bad, info, names[:2])
    eog = mne.create_info(["EOG"], 100.0, "eog")
    with pytest.raises(ValueError, match="mag, grad and eeg"):
        whitening.channel_types(eog, ["EOG"])


def test_make_whitener_reorders_by_name():
    names = ["EEG 1", "EEG 2", "EEG 3"]
    info = mne.create_info(names, 100.0, "eeg")
    C = np.diag([1.0, 2.0, 3.0]) * 1e-12
    cov = mne.Covariance(C[::-1, ::-1], names[::-1], [], [], 10)
    white = whitening.make_whitener(cov, info, names)
    np.testing.assert_allclose(white.C, C)
    assert white.n_nzero == 3 and "rank 3" in repr(white)


def test_whitened_gfp_of_white_noise_is_one():
    C, P, _, types = _toy()
    C_P = P @ C @ P.T
    groups = whitening.channel_groups(types)
    ranks = whitening.noise_cov_rank(C_P, types)
    eig, E = whitening.eigh_by_group(C_P, groups, ranks)
    W = whitening.whitener_from_eigh(eig, E)
    colorer = whitening.colorer_from_eigh(eig, E)
    noise = colorer @ rng.normal(size=(13, 20000))                  # covariance = C per group
    gfp = whitening.whitened_gfp(noise, W, int(np.sum(eig > 0)))
    assert np.mean(gfp) == pytest.approx(1.0, abs=0.02)             # chi^2 per dof, no sqrt
    with pytest.raises(ValueError, match="13 columns but b has 12 channels"):
        whitening.whitened_gfp(noise[:12], W, 11)


def test_whitened_gfp_is_mne_plot_white_quantity():
    """sum(x_white^2) / rank, as MNE's plot_evoked_white draws it (there per channel type)."""
    C, P, _, types = _toy()
    C_P = P @ C @ P.T
    ranks = whitening.noise_cov_rank(C_P, types)
    eig, E = whitening.eigh_by_group(C_P, whitening.channel_groups(types), ranks)
    W = whitening.whitener_from_eigh(eig, E)
    b = rng.normal(size=(13, 7))
    rank = int(np.sum(eig > 0))
    np.testing.assert_allclose(whitening.whitened_gfp(b, W, rank),
                               np.sum((W @ b) ** 2, axis=0) / rank, rtol=1e-14)


def test_ratio_of_means_and_its_standard_error():
    num, den = rng.normal(1.1, 0.1, 400), rng.normal(1.0, 0.1, 400)
    r, se = whitening.ratio_of_means(num, den)
    assert r == pytest.approx(num.mean() / den.mean(), rel=1e-14)
    assert 0.005 < se < 0.01                          # about sqrt(2) 0.1 / sqrt(400) / 1.0
    assert whitening.ratio_of_means(2 * den, den) == (pytest.approx(2.0), pytest.approx(0.0))
    with pytest.raises(ValueError, match="one value per epoch"):
        whitening.ratio_of_means(num, den[:-1])
