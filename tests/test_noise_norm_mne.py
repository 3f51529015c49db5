"""Twin runs: our apply_inverse (dSPM, sLORETA, eLORETA) against MNE-Python's on the course data.

Grid: {MEG, EEG, MEG+EEG} x {fixed, loose 0.2, free} x {depth None, 0.8} x {lambda2 1/9, 1}
x {nave 1, the evoked's 60}, on the coarse (ico3, 1284 sources) course dataset. dSPM and
sLORETA agree to 1e-10 relative; eLORETA too: the same fixed-point steps on the same
whitened gain give the same weights to round-off, converged or not (MNE's eps = 1e-6 only
decides when the iteration stops).

Fixed orientation: MNE's ``convert_forward_solution(force_fixed=True)`` stores the gain as
float32; ``minnorm_teach.lead_field`` does the same, so fixed cases also agree to 1e-10 (measured
worst over the grid: dSPM 3.5e-14, sLORETA 3.3e-14; eLORETA 3.1e-11).
"""

from functools import cache, lru_cache

import mne
import numpy as np
import pytest
from mne.minimum_norm import apply_inverse as mne_apply_inverse
from mne.minimum_norm import make_inverse_operator as mne_make_inverse_operator
from mne.minimum_norm import prepare_inverse_operator

import minnorm_teach as mt
from minnorm_teach import noise_norm as nn
from minnorm_teach.check import relative_error
from minnorm_teach.eloreta import eloreta_kernel
from minnorm_teach.kernel import apply_kernel

mne.set_log_level("WARNING")

TYPES = {"MEG": dict(meg=True, eeg=False), "EEG": dict(meg=False, eeg=True),
         "MEG+EEG": dict(meg=True, eeg=True)}
ORIENTATIONS = {"fixed": 0.0, "loose": 0.2, "free": 1.0}
WORST = {}

pytestmark = pytest.mark.usefixtures("one_blas_thread")


@lru_cache(maxsize=1)
def course():
    return mt.load_course_data(spacing="ico3")


@cache
def evoked(types):
    ev = course().evoked.copy().crop(0.08, 0.1)
    return ev.pick([ch for ch, keep in zip(ev.ch_names, _type_mask(ev.info, types),
                                           strict=True) if keep])


def _type_mask(info, types):
    kinds = info.get_channel_types()
    return [(k == "eeg" and TYPES[types]["eeg"]) or (k in ("mag", "grad") and TYPES[types]["meg"])
            for k in kinds]


@cache
def operators(types, ori, depth):
    """(MNE's InverseOperator, ours) built from the same inputs."""
    data = course()
    fwd = mne.pick_types_forward(data.fwd, **TYPES[types])
    info = evoked(types).info
    loose, fixed = ORIENTATIONS[ori], ori == "fixed"
    ref = mne_make_inverse_operator(info, fwd, data.noise_cov, loose=loose, depth=depth,
                                    fixed=fixed)
    ours = mt.make_inverse_operator(info, fwd, data.noise_cov, loose=loose, depth=depth,
                                    fixed=fixed)
    return ref, ours


def _with_nave(ev, nave):
    ev = ev.copy()
    ev.nave = nave
    return ev


@pytest.mark.parametrize("nave", [1, 60])
@pytest.mark.parametrize("lambda2", [1 / 9, 1.0])
@pytest.mark.parametrize("depth", [None, 0.8])
@pytest.mark.parametrize("ori", list(ORIENTATIONS))
@pytest.mark.parametrize("types", list(TYPES))
def test_dspm_sloreta_match_mne(types, ori, depth, lambda2, nave):
    ref, ours = operators(types, ori, depth)
    ev = _with_nave(evoked(types), nave)
    for method in ("MNE", "dSPM", "sLORETA"):
        expected = mne_apply_inverse(ev, ref, lambda2, method).data
        got = mt.apply_inverse(ev, ours, lambda2, method).data
        WORST[(method, types, ori, depth, lambda2, nave)] = relative_error(got, expected)
        assert relative_error(got, expected) < 1e-10, (method, relative_error(got, expected))


def test_report_worst_error():
    """Print the grid's worst relative error per method (run after the grid, in file order)."""
    for method in ("MNE", "dSPM", "sLORETA"):
        errors = {key: value for key, value in WORST.items() if key[0] == method}
        if errors:
            key = max(errors, key=errors.get)
            print(f"\ngrid {method}: {len(errors)} cases, worst rel. error "
                  f"{errors[key]:.2e} at {key[1:]}")


@pytest.mark.parametrize("ori", ["fixed", "loose"])
def test_noise_norms_match_mne_fields(ori):
    """Array level, on MNE's own prepared operator: noisenorm from sing, eigen_leads, source_cov."""
    ref, _ = operators("MEG+EEG", ori, 0.8)
    n_orient = 1 if ori == "fixed" else 3
    for method, variance in (("dSPM", lambda p: nn.noise_variance_dspm(
            p["eigen_leads"]["data"], p["reginv"], p["source_cov"]["data"])),
                             ("sLORETA", lambda p: nn.noise_variance_sloreta(
            p["eigen_leads"]["data"], p["sing"], p["reginv"], p["source_cov"]["data"], 1 / 9))):
        prepared = prepare_inverse_operator(ref, 60, 1 / 9, method)
        ours = nn.noise_norm(variance(prepared), n_orient)
        assert relative_error(ours, prepared["noisenorm"]) < 1e-12


def test_dspm_sloreta_scale_with_sqrt_nave_eloreta_and_mne_do_not():
    _, ours = operators("MEG", "loose", 0.8)
    ev1, ev60 = _with_nave(evoked("MEG"), 1), _with_nave(evoked("MEG"), 60)
    for method, factor in (("MNE", 1.0), ("dSPM", np.sqrt(60)), ("sLORETA", np.sqrt(60))):
        ratio = mt.apply_inverse(ev60, ours, 1 / 9, method).data / \
            mt.apply_inverse(ev1, ours, 1 / 9, method).data
        assert np.allclose(ratio, factor, rtol=1e-10), method


@pytest.mark.parametrize("types, ori, nave, force_equal", [
    ("MEG", "fixed", 60, False),
    ("EEG", "loose", 60, False),
    ("EEG", "free", 1, True),
])
def test_eloreta_matches_mne_within_its_tolerance(types, ori, nave, force_equal):
    ref, ours = operators(types, ori, 0.8)
    ev = _with_nave(evoked(types), nave)
    params = dict(force_equal=force_equal)
    expected = mne_apply_inverse(ev, ref, 1 / 9, "eLORETA", method_params=params).data
    kernel, weights = eloreta_kernel(ours, 1 / 9, nave, **params)
    got = apply_kernel(kernel, ev.data[[ev.ch_names.index(c)
                                                   for c in ours.ch_names]],
                                  ours.n_orient)
    assert weights.converged and weights.n_iter <= 20
    assert relative_error(got, expected) < 1e-10
    if not force_equal:
        default = mt.apply_inverse(ev, ours, 1 / 9, "eLORETA").data
        assert relative_error(default, got) < 1e-12                  # MNE 1.13.2 default: False


def test_method_params_only_for_eloreta():
    _, ours = operators("MEG", "fixed", None)
    with pytest.raises(ValueError, match="only used by eLORETA"):
        nn.prepare_kernel(ours, 1 / 9, "dSPM", 1, dict(force_equal=True))
    with pytest.raises(ValueError, match="unknown eLORETA option"):
        nn.prepare_kernel(ours, 1 / 9, "eLORETA", 1, dict(tol=1e-3))
