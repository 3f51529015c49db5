"""Resolution matrix and metrics: closed forms on tiny geometries, theorem-level properties."""

import numpy as np
import pytest

from minnorm_teach import noise_norm as nn
from minnorm_teach import resolution as res
from minnorm_teach.check import relative_error

POS = np.array([[0.0, 0, 0], [0.01, 0, 0], [0, 0.02, 0], [0, 0, 0.03]])     # m


def test_identity_is_perfect_resolution():
    F = np.eye(4)
    assert np.all(res.peak_localisation_error(F, POS) == 0)
    assert np.all(res.centre_of_gravity_error(F, POS) == 0)
    assert np.all(res.spatial_deviation(F, POS) == 0)
    assert np.all(res.max_radius(F, POS) == 0)
    assert np.allclose(res.peak_amplitude(F), 1) and np.allclose(res.sum_amplitude(F), 1)


def test_metrics_closed_forms():
    F = np.zeros((4, 4))
    F[:, 0] = [1.0, 3.0, 0.0, 0.0]                # column 0 peaks at source 1, 1 cm away
    F[:, 1:] = np.eye(4)[:, 1:]
    assert np.isclose(res.peak_localisation_error(F, POS)[0], 0.01)
    assert np.isclose(res.centre_of_gravity_error(F, POS)[0], 0.0075)    # (0*1 + 1*3)/4 cm
    sd = np.sqrt((9 * 0.01 ** 2) / 10)                       # sqrt(sum F^2 d^2 / sum F^2)
    assert np.isclose(res.spatial_deviation(F, POS)[0], sd)
    assert np.isclose(res.max_radius(F, POS, 0.2)[0], 0.01)
    assert np.isclose(res.peak_amplitude(F)[0], 1.0) and np.isclose(res.peak_amplitude(F)[1], 1 / 3)


def test_psf_is_column_ctf_is_row_and_rectify_takes_norms():
    rng = np.random.default_rng(0)
    resmat = rng.normal(size=(12, 4))                  # free inverse, fixed forward
    F = res.rectify(resmat)
    assert F.shape == (4, 4)
    assert np.allclose(F[1, 2], np.linalg.norm(resmat[3:6, 2]))
    assert np.allclose(res.point_spread(resmat, 2), F[:, 2])
    assert np.allclose(res.cross_talk(resmat, 2), F[2, :])


def test_chunked_loops_equal_direct_formula():
    rng = np.random.default_rng(1)
    pos = rng.normal(size=(600, 3)) * 0.05
    F = rng.normal(size=(600, 600))
    d2 = np.sum((pos[:, None] - pos[None]) ** 2, axis=2)
    sd = np.sqrt(np.sum(F ** 2 * d2, axis=0) / np.sum(F ** 2, axis=0))
    assert np.allclose(res.spatial_deviation(F, pos), sd, rtol=1e-10)
    mask = np.abs(F) > 0.5 * np.abs(F).max(axis=0)
    assert np.allclose(res.max_radius(F, pos),
                       np.sqrt(np.max(np.where(mask, d2, 0), axis=0)), rtol=1e-10)


def _toy(n_channels=30, n_sources=250, lambda2=1 / 9, seed=0):
    rng = np.random.default_rng(seed)
    L = rng.normal(size=(n_channels, n_sources))
    R = rng.uniform(0.5, 2, n_sources)
    U, s, Vt = np.linalg.svd(L * np.sqrt(R), full_matrices=False)
    gamma = s / (s ** 2 + lambda2)
    K = np.sqrt(R)[:, None] * (Vt.T * gamma) @ U.T
    dspm = nn.noise_norm(nn.noise_variance_dspm(Vt.T, gamma, R), 1)
    slor = nn.noise_norm(nn.noise_variance_sloreta(Vt.T, s, gamma, R, lambda2), 1)
    pos = rng.normal(size=(n_sources, 3)) * 0.05
    return L, K, dspm, slor, pos


def test_ctfs_of_mne_dspm_sloreta_share_their_shape():
    """Noise normalisation scales rows: CTF k is multiplied by one number, PSFs change."""
    L, K, dspm, slor, pos = _toy()
    resmats = {"MNE": res.resolution_matrix(K, L),
               "dSPM": res.resolution_matrix(dspm[:, None] * K, L),
               "sLORETA": res.resolution_matrix(slor[:, None] * K, L)}
    ctf = {m: res.compute_metrics(r, pos, "ctf") for m, r in resmats.items()}
    for m in ("dSPM", "sLORETA"):
        for name in ("peak_err", "cog_err", "sd_ext"):
            assert np.allclose(getattr(ctf[m], name), getattr(ctf["MNE"], name), rtol=1e-12)
        shape = resmats[m] / np.abs(resmats[m]).max(axis=1, keepdims=True)
        assert np.allclose(shape, resmats["MNE"] / np.abs(resmats["MNE"]).max(axis=1,
                                                                            keepdims=True))
    psf = {m: res.compute_metrics(r, pos, "psf") for m, r in resmats.items()}
    assert np.all(psf["sLORETA"].peak_err == 0)
    assert np.any(psf["MNE"].peak_err > 0) and not np.allclose(psf["dSPM"].sd_ext,
                                                                  psf["MNE"].sd_ext)


def test_bad_inputs_name_expected_and_received():
    with pytest.raises(ValueError, match=r"K has 3 columns \(channels\) but L has 4 rows"):
        res.resolution_matrix(np.ones((5, 3)), np.ones((4, 5)))
    with pytest.raises(ValueError, match="n_orient"):
        res.rectify(np.ones((7, 3)))
    with pytest.raises(ValueError, match="positions has shape"):
        res.peak_localisation_error(np.eye(4), POS[:3])
    with pytest.raises(ValueError, match="'psf'"):
        res.compute_metrics(np.eye(4), POS, "both")


# ------------------------------------------------------------ depth and one PSF's radius

def test_depth_below_a_sphere_and_peak_depth_shift():
    """Inside a dense sphere of radius 9 cm, depth = 9 cm - |r| (to the vertex spacing)."""
    sphere = np.random.default_rng(0).normal(size=(20000, 3))
    sphere = 0.09 * sphere / np.linalg.norm(sphere, axis=1, keepdims=True)
    points = np.array([[0, 0, 0.08], [0.05, 0, 0], [0, 0.02, 0.01]])
    depth = res.distance_to_surface(points, sphere)
    assert np.allclose(depth, 0.09 - np.linalg.norm(points, axis=1), atol=1.5e-3)
    resmat = np.array([[1.0, 0.9, 0.0], [0.2, 1.0, 0.0], [0.0, 0.0, 1.0]])
    resmat[2, 0] = 2.0                               # source 0 peaks at the deepest source 2
    shift = res.peak_depth_shift(resmat, depth)
    assert np.allclose(shift, [depth[2] - depth[0], 0.0, 0.0])
    with pytest.raises(ValueError, match="expected \\(3,\\)"):
        res.peak_depth_shift(resmat, depth[:2])
    with pytest.raises(ValueError, match="positions must have shape"):
        res.distance_to_surface(points[:, :2], sphere)


def test_radius_above_half_the_peak():
    positions = np.array([[0.0, 0, 0], [0.01, 0, 0], [0.03, 0.04, 0], [0.2, 0, 0]])
    values = np.array([1.0, -0.8, 0.6, 0.1])
    assert np.isclose(res.radius_above(values, positions, 0), 0.05)
    assert np.isclose(res.radius_above(values, positions, 0, threshold=0.7), 0.01)


def test_rectify_sums_squares_per_location():
    resmat = np.random.default_rng(2).normal(size=(3 * 7, 7))
    expected = np.sqrt(resmat[0::3] ** 2 + resmat[1::3] ** 2 + resmat[2::3] ** 2)
    assert relative_error(res.rectify(resmat), expected) < 1e-15
