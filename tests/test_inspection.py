"""minnorm_teach.datasets.inspection: what chapter 13 looks at on a recording without truth."""

import functools

import mne
import numpy as np
import pytest

import minnorm_teach as mt
from minnorm_teach.datasets import inspection


@functools.lru_cache(maxsize=1)
def _recording():
    mne.set_log_level("WARNING")
    return mt.datasets.load_recording(verbose=False)


def test_noise_ratios_divide_by_the_median_of_each_kind():
    C = np.diag([1.0, 4.0, 9.0, 100.0, 400.0])
    ratios = inspection.noise_ratios(C, ["mag", "mag", "mag", "eeg", "eeg"])
    np.testing.assert_allclose(ratios, [0.5, 1.0, 1.5, 10 / 15, 20 / 15], rtol=1e-14)


def test_noise_ratios_refuse_mismatched_types():
    with pytest.raises(Exception, match="ch_types"):
        inspection.noise_ratios(np.eye(3), ["mag", "mag"])


def test_the_recordings_bad_gradiometer_stands_out():
    data = _recording()
    names, kinds, ratios = inspection.channel_noise(data.noise_cov, data.info)
    assert names[int(np.argmax(ratios))] == "MEG 2443" and ratios.max() > 10
    assert len(names) == len(kinds) == 366


def test_whitened_baseline_near_one_and_whiteners_reused():
    data = _recording()
    evoked = data.evokeds["auditory/right"]
    direct = inspection.whitened_baseline(evoked, data.noise_cov)
    reused = inspection.whitened_baseline(
        evoked, whiteners=inspection.group_whiteners(data.noise_cov, data.info))
    for group in ("meg", "eeg"):
        assert direct[group][1] == reused[group][1]
        assert 0.75 <= direct[group][1] <= 1.33
    with pytest.raises(ValueError, match="either noise_cov or whiteners"):
        inspection.whitened_baseline(evoked)


def test_hemisphere_peaks_find_a_planted_maximum():
    data = _recording()
    fwd = data.fwd
    vertices = [s["vertno"] for s in fwd["src"]]
    n_lh = len(vertices[0])
    values = np.zeros((n_lh + len(vertices[1]), 5))
    values[10, 2], values[n_lh + 20, 4] = -3.0, 2.0
    stc = mne.SourceEstimate(values, vertices, tmin=0.0, tstep=0.01)
    left, right = inspection.hemisphere_peaks(stc, fwd, 0.0, 0.04)
    assert (left.vertex, left.time, left.value) == (vertices[0][10], 0.02, -3.0)
    assert (right.vertex, right.value) == (vertices[1][20], 2.0)
    np.testing.assert_allclose(left.position,
                               inspection.source_positions_mri(fwd)[0][10], rtol=1e-12)
    with pytest.raises(ValueError, match="window"):
        inspection.hemisphere_peaks(stc, fwd, 1.0, 2.0)


def test_coregistration_distances_match_the_build():
    data = _recording()
    distances = inspection.coreg_distances(data)
    assert len(distances) == data.build_info["n_dig_points"]
    assert round(float(np.median(distances)) * 1e3, 2) == data.build_info["coreg_median_mm"]
    assert inspection.dig_positions_mri(data.info, inspection.recording_trans()).shape == (
        len(distances), 3)


def test_simulated_auditory_sources_are_in_both_hemispheres():
    positions = inspection.simulated_patch_positions(_recording().fwd, "auditory/left")
    assert set(positions) == {0, 1}
    assert positions[0][:, 0].max() < 0 < positions[1][:, 0].min()     # left x < 0 < right x
    assert inspection.distance_to_points(positions[0][0], positions[0]) == 0.0
