"""Twin runs for ``use_cps``: patch-average normals on a source space with patch statistics.

The course source space carries patch statistics like one made by ``setup_source_space``, so
MNE's default ``use_cps=True`` orients fixed and loose sources by the average normal of each
cortical patch. Grid: {fixed, loose 0.2, free} x depth {None, 0.8} x {MNE, dSPM, sLORETA,
eLORETA} x pick_ori (None; "normal" and "vector" for loose and free), on MEG+EEG, each at
use_cps=True against MNE's default and at use_cps=False against MNE's use_cps=False, at
1e-10 relative (max |ours - MNE| / max |MNE|). Coarse data (ico3, every sixth source: the
patch statistics of the full ico3 space, 214 locations) for speed.
"""

import functools
import itertools

import mne
import numpy as np
import pytest
from mne.minimum_norm import apply_inverse as mne_apply_inverse
from mne.minimum_norm import apply_inverse_epochs as mne_apply_inverse_epochs
from mne.minimum_norm import make_inverse_operator as mne_make_inverse_operator
from mne.minimum_norm import make_inverse_resolution_matrix as mne_resolution_matrix

import minnorm_teach as mt
from minnorm_teach.check import relative_error

RTOL = 1e-10
LAMBDA2 = 1.0 / 9.0
ORIENTATIONS = {"fixed": dict(loose=0.0, fixed=True), "loose": dict(loose=0.2, fixed="auto"),
                "free": dict(loose=1.0, fixed="auto")}
METHODS = ("MNE", "dSPM", "sLORETA", "eLORETA")
WORST = {}

pytestmark = pytest.mark.usefixtures("one_blas_thread")


@functools.lru_cache(maxsize=1)
def _data():
    mne.set_log_level("WARNING")
    return mt.datasets.load_course_data(spacing="ico3")


@functools.lru_cache(maxsize=1)
def _fwd():
    """Every sixth source of the ico3 forward; the source space keeps its patch statistics."""
    fwd = _data().fwd
    vertices = [s["vertno"][::6] for s in fwd["src"]]
    stc = mne.SourceEstimate(np.zeros((sum(map(len, vertices)), 1)), vertices, 0, 1)
    return mne.forward.restrict_forward_to_stc(fwd, stc, on_missing="raise")


@functools.lru_cache(maxsize=1)
def _evoked():
    return _data().evoked.copy().crop(0.07, 0.11)


@functools.lru_cache(maxsize=2)
def _operators(orientation, depth, use_cps):
    kwargs = dict(ORIENTATIONS[orientation], depth=depth, use_cps=use_cps)
    info, noise_cov = _evoked().info, _data().noise_cov
    return (mt.make_inverse_operator(info, _fwd(), noise_cov, **kwargs),
            mne_make_inverse_operator(info, _fwd(), noise_cov, **kwargs))


def _pick_oris(orientation):
    return [None] if orientation == "fixed" else [None, "normal", "vector"]


GRID = [(o, d, c, m, p) for o, d, c in itertools.product(ORIENTATIONS, [None, 0.8], [True, False])
        for m in METHODS for p in _pick_oris(o)]          # operator parameters vary slowest


def test_the_source_space_has_patch_statistics_and_they_matter():
    """Without this, the grid would compare vertex normals with vertex normals."""
    src = _fwd()["src"]
    assert mt.lead_field.has_patch_info(src)
    angles = mt.lead_field.patch_normal_angles(src)
    assert np.median(angles) > 2.0
    ours, _ = _operators("fixed", 0.8, True)
    _, theirs_vertex = _operators("fixed", 0.8, False)
    stc = mt.apply_inverse(_evoked(), ours, LAMBDA2, "dSPM")
    stc_vertex = mne_apply_inverse(_evoked(), theirs_vertex, LAMBDA2, "dSPM")
    assert relative_error(stc.data, stc_vertex.data) > 0.01


@pytest.mark.parametrize(("orientation", "depth", "use_cps", "method", "pick_ori"), GRID)
def test_use_cps_grid_against_mne(orientation, depth, use_cps, method, pick_ori):
    ours, theirs = _operators(orientation, depth, use_cps)
    evoked = _evoked()
    stc = mt.apply_inverse(evoked, ours, LAMBDA2, method, pick_ori=pick_ori, use_cps=use_cps)
    stc_mne = mne_apply_inverse(evoked, theirs, LAMBDA2, method, pick_ori=pick_ori,
                                use_cps=use_cps)
    assert type(stc) is type(stc_mne)
    error = relative_error(stc.data, stc_mne.data)
    key = (orientation, depth, use_cps, method, pick_ori)
    WORST[key] = error
    assert error <= RTOL, f"{key}: max rel. error {error:.2e}"


@pytest.mark.parametrize("orientation", ["fixed", "loose"])
def test_operator_normals_are_mnes(orientation):
    """source_nn: MNE's fixed normals (patch average) or loose frames, to 1e-12."""
    for use_cps in (True, False):
        ours, theirs = _operators(orientation, 0.8, use_cps)
        assert relative_error(ours.source_nn, theirs["source_nn"]) <= 1e-12


@pytest.mark.parametrize("make_cps", [True, False])
def test_free_operator_takes_the_normal_at_apply_time(make_cps):
    """A free operator's normal component follows apply's use_cps, as in MNE (whose free
    operator stays in x, y, z until then); loose and fixed operators keep make's normals."""
    ours, theirs = _operators("free", 0.8, make_cps)
    evoked = _evoked()
    for apply_cps in (True, False):
        stc = mt.apply_inverse(evoked, ours, LAMBDA2, "dSPM", pick_ori="normal",
                               use_cps=apply_cps)
        stc_mne = mne_apply_inverse(evoked, theirs, LAMBDA2, "dSPM", pick_ori="normal",
                                    use_cps=apply_cps)
        assert relative_error(stc.data, stc_mne.data) <= RTOL
    loose, loose_mne = _operators("loose", 0.8, make_cps)
    stc = mt.apply_inverse(evoked, loose, LAMBDA2, "dSPM", pick_ori="normal",
                           use_cps=not make_cps)
    stc_mne = mne_apply_inverse(evoked, loose_mne, LAMBDA2, "dSPM", pick_ori="normal",
                                use_cps=not make_cps)
    assert relative_error(stc.data, stc_mne.data) <= RTOL


def test_epochs_free_normal_with_vertex_normals():
    ours, theirs = _operators("free", 0.8, False)
    epochs = _data().epochs[:2]
    stcs = mt.apply_inverse_epochs(epochs, ours, 1.0, "sLORETA", pick_ori="normal",
                                   use_cps=False)
    stcs_mne = mne_apply_inverse_epochs(epochs, theirs, 1.0, "sLORETA", pick_ori="normal",
                                        use_cps=False)
    for stc, stc_mne in zip(stcs, stcs_mne, strict=True):
        assert relative_error(stc.data, stc_mne.data) <= RTOL


@pytest.mark.parametrize("orientation", ["loose", "free"])
@pytest.mark.parametrize("use_cps", [True, False])
def test_resolution_matrix_with_a_free_forward(orientation, use_cps):
    """MNE matches the free forward to the operator: surface coordinates (use_cps) for a loose
    one, x, y, z for a free one. MNE's own conversion always uses patch normals, so for
    use_cps=False it gets a forward already in surface coordinates (vertex normals)."""
    ours, theirs = _operators(orientation, 0.8, use_cps)
    fwd = _fwd()
    expected = mne_resolution_matrix(
        fwd if use_cps or orientation == "free" else
        mne.convert_forward_solution(fwd, surf_ori=True, use_cps=False), theirs, "dSPM")
    got = mt.resolution.make_inverse_resolution_matrix(fwd, ours, "dSPM", use_cps=use_cps)
    assert got.shape == expected.shape
    assert relative_error(got, expected) <= RTOL


def test_report_worst_error():
    """Print the grid's worst relative error per method (run after the grid, in file order)."""
    for method in METHODS:
        cases = {k: v for k, v in WORST.items() if k[3] == method}
        if cases:
            key = max(cases, key=cases.get)
            print(f"\nuse_cps grid, {method}: {len(cases)} cases, worst {cases[key]:.2e} at {key}")
