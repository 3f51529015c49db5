"""Unit tests of minnorm_teach.covariance: rank, projectors, empirical covariance."""

import mne
import numpy as np
import pytest

from minnorm_teach import covariance

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


def test_rank_options():
    C, P, _, types = _toy()
    C_P = P @ C @ P.T
    assert covariance.noise_cov_rank(C_P, types, rank={"meg": 5}) == {"meg": 5, "eeg": 4}
    assert covariance.noise_cov_rank(C_P, types, rank="info",
                                    n_proj={"meg": 1, "eeg": 1}) == {"meg": 7, "eeg": 4}
    with pytest.raises(ValueError, match=r"rank\[\'meg\'\] must be an integer in \[1, 8\], got 9"):
        covariance.noise_cov_rank(C_P, types, rank={"meg": 9})
    with pytest.raises(TypeError, match="rank must be None, 'info' or a dict"):
        covariance.noise_cov_rank(C_P, types, rank=300)
    with pytest.raises(ValueError, match="rank must be a dict with keys among"):
        covariance.noise_cov_rank(C_P, types, rank={"grad": 3})
    with pytest.raises(ValueError, match="C_P has 12 rows but ch_types has 13"):
        covariance.noise_cov_rank(C_P[:12, :12], types)


def test_estimate_rank_is_scale_aware():
    A = rng.normal(size=(4, 3))
    C = A @ A.T * 1e-26                       # rank 3, in T^2
    assert covariance.estimate_rank(C, np.full(4, 1e12)) == 3
    with pytest.raises(ValueError, match="scales"):
        covariance.estimate_rank(C, np.ones(3))


def test_projector_from_mne_projs():
    names = ["EEG 1", "EEG 2", "EEG 3", "EEG 4"]
    info = mne.create_info(names, 100.0, "eeg")
    proj = mne.Projection(data=dict(nrow=1, ncol=4, row_names=None, col_names=names,
                                    data=np.ones((1, 4))), desc="avg", kind=3, active=False)
    P, n_proj = covariance.projector([proj, proj], names)            # duplicates count once
    assert n_proj == 1
    np.testing.assert_allclose(P, np.eye(4) - 0.25, atol=1e-15)
    P_mne, _, _ = mne._fiff.proj.make_projector([proj], names)
    np.testing.assert_allclose(P, P_mne, atol=1e-15)
    assert covariance.projector([], names)[1] == 0
    assert info["nchan"] == 4


def test_empirical_covariance_closed_form():
    X = rng.normal(size=(4, 3, 10))
    stacked = np.concatenate(list(X), axis=1)                       # (3, 40)
    np.testing.assert_allclose(covariance.empirical_covariance(X), stacked @ stacked.T / 39)
    with pytest.raises(ValueError, match="n_epochs, n_channels, n_times"):
        covariance.empirical_covariance(np.ones((3, 10)))


def test_projection_vectors_span_what_the_projector_removes():
    """P = I - Q^T Q for the orthonormal projection vectors Q of the EEG average reference."""
    import mne

    from minnorm_teach.datasets import load_course_data

    data = load_course_data(spacing="ico3", verbose=False)
    picks = mne.pick_types(data.info, meg=False, eeg=True)
    Q = covariance.projection_vectors(data.info, picks)
    assert Q.shape == (1, 60)
    # FIF files store projection vectors in float32: 1e-6 is that storage precision
    np.testing.assert_allclose(Q, np.full((1, 60), 1 / np.sqrt(60)), rtol=1e-6)
