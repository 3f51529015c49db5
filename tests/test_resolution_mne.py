"""Twin runs: resolution matrices and metrics against MNE-Python on the course data (ico3)."""

from functools import cache

import mne
import numpy as np
import pytest
from mne.minimum_norm import make_inverse_operator as mne_make_inverse_operator
from mne.minimum_norm import make_inverse_resolution_matrix as mne_resmat
from mne.minimum_norm import resolution_metrics as mne_metrics

import minnorm_teach as mt
from minnorm_teach import resolution as res
from minnorm_teach.check import relative_error

mne.set_log_level("WARNING")



pytestmark = pytest.mark.usefixtures("one_blas_thread")


@cache
def setup(loose):
    data = mt.load_course_data(spacing="ico3")
    fwd_fixed = mne.convert_forward_solution(data.fwd, surf_ori=True, force_fixed=True)
    fixed = loose == 0.0
    ref = mne_make_inverse_operator(data.info, data.fwd, data.noise_cov, loose=loose,
                                    depth=0.8, fixed=fixed)
    ours = mt.make_inverse_operator(data.info, data.fwd, data.noise_cov, loose=loose,
                                    depth=0.8, fixed=fixed)
    return data, fwd_fixed, ref, ours


@pytest.mark.parametrize("method", ["MNE", "dSPM", "sLORETA"])
def test_resolution_matrix_matches_mne(method):
    """Loose 0.2 inverse, fixed forward: (3 n, n), rows in head coordinates as MNE's."""
    _, fwd_fixed, ref, ours = setup(0.2)
    expected = mne_resmat(fwd_fixed, ref, method=method, lambda2=1 / 9)
    got = res.make_inverse_resolution_matrix(fwd_fixed, ours, method, 1 / 9)
    assert got.shape == expected.shape == (3 * 1284, 1284)
    assert relative_error(got, expected) < 1e-10


def test_resolution_matrix_free_forward_matches_mne():
    data, _, ref, ours = setup(0.2)
    expected = mne_resmat(data.fwd, ref, method="dSPM", lambda2=1 / 9)
    got = res.make_inverse_resolution_matrix(data.fwd, ours, "dSPM")
    assert relative_error(got, expected) < 1e-10


@pytest.mark.parametrize("loose", [0.0, 0.2])
@pytest.mark.parametrize("function", ["psf", "ctf"])
def test_metrics_match_mne(loose, function):
    """Same resmat in, same numbers out (cm), to 1e-8; maxrad_ext: see below."""
    _, fwd_fixed, ref, _ = setup(loose)
    resmat = mne_resmat(fwd_fixed, ref, method="sLORETA", lambda2=1 / 9)
    metrics = ["peak_err", "cog_err"]
    if loose == 0.0:                       # MNE computes these for square matrices only
        metrics += ["sd_ext", "peak_amp", "sum_amp"]
    for metric in metrics:
        expected = mne_metrics(resmat, ref["src"], function, metric).data
        got = res.resolution_metrics(resmat, ref["src"], function, metric).data
        if np.max(np.abs(expected)) == 0:
            assert np.all(got == 0), metric           # sLORETA's PSF peaks: all exactly 0
        else:
            assert relative_error(got, expected) < 1e-8, metric


def test_maxrad_follows_its_definition_and_documents_mne():
    """MNE 1.13.2 sums squared offsets over the locations, then maxes over x, y, z."""
    _, fwd_fixed, ref, _ = setup(0.0)
    resmat = mne_resmat(fwd_fixed, ref, method="MNE", lambda2=1 / 9)
    cm = 100 * res.source_positions(ref["src"])
    A = np.abs(resmat)
    above = [A[:, k] > 0.5 * A[:, k].max() for k in range(len(cm))]
    definition = [np.max(np.linalg.norm(cm[a] - cm[k], axis=1)) for k, a in enumerate(above)]
    mne_formula = [np.sqrt(np.max(np.sum((cm[a] - cm[k]) ** 2, axis=0)))
                   for k, a in enumerate(above)]
    got = res.resolution_metrics(resmat, ref["src"], "psf", "maxrad_ext").data[:, 0]
    assert relative_error(got, np.array(definition)) < 1e-12
    expected = mne_metrics(resmat, ref["src"], "psf", "maxrad_ext").data[:, 0]
    assert relative_error(expected, np.array(mne_formula)) < 1e-12
    assert relative_error(got, expected) > 0.1


def test_peak_error_of_sloreta_and_eloreta_is_zero_on_the_cortex():
    """Fixed orientation, noiseless unit sources: every PSF peaks at its own source."""
    _, fwd_fixed, _, ours = setup(0.0)
    pos = res.source_positions(ours.src)
    for method in ("sLORETA", "eLORETA"):
        resmat = res.make_inverse_resolution_matrix(fwd_fixed, ours, method, 1 / 9)
        assert np.all(res.peak_localisation_error(resmat, pos) == 0), method


@pytest.mark.parametrize("method", ["MNE", "sLORETA"])
def test_free_orientation_resolution_matrix_matches_mne(method):
    """loose=1: our operator is built in surface coordinates, MNE's in x, y, z; the rows are
    rotated to x, y, z and the matrix is MNE's, for a fixed and for a free forward."""
    data, fwd_fixed, _, _ = setup(0.2)
    ref = mne_make_inverse_operator(data.info, data.fwd, data.noise_cov, loose=1.0, depth=0.8)
    ours = mt.make_inverse_operator(data.info, data.fwd, data.noise_cov, loose=1.0, depth=0.8)
    for fwd in (fwd_fixed, data.fwd):
        expected = mne_resmat(fwd, ref, method=method, lambda2=1 / 9)
        got = res.make_inverse_resolution_matrix(fwd, ours, method, 1 / 9)
        assert relative_error(got, expected) < 1e-10


def test_distance_to_the_inner_skull_matches_mne():
    data = mt.load_course_data(spacing="ico3")
    positions = res.source_positions(data.fwd["src"])
    skull = res.inner_skull(data.subjects_dir, data.subject, data.fwd["mri_head_t"])
    rr_mri = mne.read_surface(data.subjects_dir / data.subject / "bem" / "inner_skull.surf")[0]
    bem = mne.bem.ConductorModel(is_sphere=False, surfs=[{"rr": rr_mri / 1e3}])
    expected = mne.bem.distance_to_bem(positions, bem, trans=data.fwd["mri_head_t"])
    assert relative_error(res.distance_to_surface(positions, skull), expected) < 1e-12
