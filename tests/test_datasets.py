"""The course dataset: geometry, magnitudes, ranks, ground truth, determinism, cache behaviour."""

import json
import shutil

import mne
import numpy as np
import pytest

from minnorm_teach import datasets
from minnorm_teach.datasets import _anatomy, _build, _sensors
from minnorm_teach.datasets import _simulate as sim


@pytest.fixture(scope="module")
def data():
    return datasets.load_course_data()


@pytest.fixture(scope="module")
def fixed_fwd(data):
    return mne.convert_forward_solution(data.fwd, surf_ori=True, force_fixed=True,
                                        verbose=False)


def _solid_angle_sum(points, surf_rr, tris):
    """Sum over triangles of the solid angle seen from each point (4 pi inside, 0 outside)."""
    total = np.zeros(len(points))
    for k, p in enumerate(points):
        a, b, c = (surf_rr[tris[:, i]] - p for i in range(3))
        la, lb, lc = (np.linalg.norm(v, axis=1) for v in (a, b, c))
        num = np.einsum("ij,ij->i", a, np.cross(b, c))
        den = (la * lb * lc + np.einsum("ij,ij->i", a, b) * lc
               + np.einsum("ij,ij->i", a, c) * lb + np.einsum("ij,ij->i", b, c) * la)
        total[k] = np.abs(2 * np.arctan2(num, den).sum())
    return total


# ---------------------------------------------------------------- sensors and geometry --

def test_channel_counts_and_order(data):
    info = data.info
    assert len(info["ch_names"]) == 366
    assert len(mne.pick_types(info, meg="mag", exclude=[])) == 102
    assert len(mne.pick_types(info, meg="grad", exclude=[])) == 204
    assert len(mne.pick_types(info, meg=False, eeg=True, exclude=[])) == 60
    # sample-data order: grad, grad, mag per location; the third channel is a magnetometer
    assert info["ch_names"][:3] == ["MEG 0013", "MEG 0012", "MEG 0011"]
    assert mne.channel_type(info, 2) == "mag"


def test_real_vectorview_coil_definitions(data):
    coils = {ch["coil_type"] for ch in data.info["chs"] if ch["kind"] == 1}
    assert coils == {mne.io.constants.FIFF.FIFFV_COIL_VV_PLANAR_T1,
                     mne.io.constants.FIFF.FIFFV_COIL_VV_MAG_T3}


def test_meg_sensors_outside_scalp_by_at_least_20_mm(data):
    """Every MEG sensor lies outside the scalp; the closest is 23 mm from it (>= 20 mm)."""
    scalp = _anatomy.read_scalp()
    mri_head = mne.transforms.invert_transform(_anatomy.read_trans())
    scalp_head = mne.transforms.apply_trans(mri_head, scalp["rr"])
    meg = mne.pick_types(data.info, meg=True, exclude=[])
    pos = mne.transforms.apply_trans(data.info["dev_head_t"],
                                     np.array([data.info["chs"][k]["loc"][:3] for k in meg]))
    angles = _solid_angle_sum(pos[::3], scalp_head, scalp["tris"])
    assert np.all(angles < 1e-6), "a MEG sensor is inside the scalp"
    from scipy.spatial import cKDTree
    distance = cKDTree(scalp_head).query(pos)[0].min()
    assert distance >= 0.020, f"closest MEG sensor is {distance * 1e3:.1f} mm from the scalp"


def test_eeg_electrodes_on_scalp(data):
    """The mgh60 electrodes sit on fsaverage's scalp: within 12 mm of a scalp vertex."""
    from scipy.spatial import cKDTree

    scalp = mne.transforms.apply_trans(mne.transforms.invert_transform(_anatomy.read_trans()),
                                       _anatomy.read_scalp()["rr"])
    eeg = mne.pick_types(data.info, meg=False, eeg=True, exclude=[])
    pos = np.array([data.info["chs"][k]["loc"][:3] for k in eeg])
    assert cKDTree(scalp).query(pos)[0].max() < 0.012


def test_source_space_counts_and_no_source_dropped(data):
    """ico4: 2 x 2562 locations set up; the sphere conductor keeps all (at most 1% may drop)."""
    assert data.build_info["n_sources_setup"] == 5124
    assert data.fwd["nsource"] >= 0.99 * 5124
    assert data.fwd["nsource"] == 5124
    assert [s["nuse"] for s in data.fwd["src"]] == [2562, 2562]
    assert data.fwd["sol"]["data"].shape == (366, 3 * 5124)
    assert data.fwd["source_ori"] == mne.io.constants.FIFF.FIFFV_MNE_FREE_ORI


def test_sphere_forward_equals_mne_for_every_source_mne_keeps(data):
    """Our coordinate work-around changes which sources survive, not their gain (ico3, exact)."""
    info = mne.pick_info(data.info, mne.pick_types(data.info, meg=True, eeg=True, exclude=[]))
    src = mne.setup_source_space(data.subject, "ico3", subjects_dir=data.subjects_dir,
                                 add_dist=False, verbose=False)
    trans = _anatomy.read_trans()
    sphere = _build.course_sphere(src, trans)
    ours = _build.sphere_forward(info, trans, src, sphere)
    theirs = mne.make_forward_solution(info, trans, src, sphere, verbose=False)
    assert ours["nsource"] == 1284 > theirs["nsource"]
    kept = np.concatenate([np.isin(ours["src"][h]["vertno"], theirs["src"][h]["vertno"])
                           for h in (0, 1)])
    np.testing.assert_array_equal(ours["sol"]["data"][:, np.repeat(kept, 3)],
                                  theirs["sol"]["data"])
    assert np.allclose(ours["mri_head_t"]["trans"], theirs["mri_head_t"]["trans"])


# ------------------------------------------------------------------------ magnitudes --

def test_single_auditory_dipole_gives_physiological_fields(data, fixed_fwd):
    """A 20-50 nAm dipole in auditory cortex: 100-500 fT on magnetometers, a few uV on EEG."""
    patch = data.truth.patches["auditory/left"][0]
    col = len(fixed_fwd["src"][0]["vertno"]) + np.searchsorted(fixed_fwd["src"][1]["vertno"],
                                                                patch.vertices[0])
    mags = mne.pick_types(data.info, meg="mag", exclude=[])
    eeg = mne.pick_types(data.info, meg=False, eeg=True, exclude=[])
    gain = fixed_fwd["sol"]["data"][:, col]
    for moment in (20e-9, 50e-9):
        peak_mag = np.abs(gain[mags]).max() * moment
        assert 50e-15 < peak_mag < 500e-15
    assert 100e-15 < np.abs(gain[mags]).max() * 50e-9 < 500e-15
    assert 1e-6 < np.abs(gain[eeg]).max() * 20e-9 < 10e-6     # 20 nAm: about 5 uV


def test_evoked_n100m_peak(data):
    """The simulated N100m: magnetometer peak 100-500 fT near 90 ms; EEG a few microvolts."""
    evoked = data.evoked
    mags = mne.pick_types(evoked.info, meg="mag")
    eeg = mne.pick_types(evoked.info, meg=False, eeg=True)
    peak = np.abs(evoked.data[mags]).max()
    latency = evoked.times[np.abs(evoked.data[mags]).max(axis=0).argmax()]
    assert 100e-15 < peak < 500e-15
    assert 0.080 <= latency <= 0.110
    assert 1e-6 < np.abs(evoked.data[eeg]).max() < 10e-6


# ------------------------------------------------------------- recording and ranks --

def test_recording_structure(data):
    assert data.evoked.nave == 60
    assert len(data.epochs) == 2 * sim.N_TRIALS
    assert data.epochs.baseline == (-0.2, 0.0)
    assert np.isclose(data.epochs.tmin, -0.2) and np.isclose(data.epochs.tmax, 0.5)
    assert set(data.evokeds) == {"auditory/left", "visual/right"}
    assert data.info["bads"] == [sim.BAD_CHANNEL["name"]]
    kinds = sorted(p["desc"].split("-")[0] for p in data.raw.info["projs"])
    assert len(data.raw.info["projs"]) == 4 and "Average EEG reference" in kinds
    events = mne.find_events(data.raw, stim_channel="STI 014", verbose=False)
    assert np.bincount(events[:, 2])[[1, 4]].tolist() == [60, 60]


def test_noise_covariance_is_rank_deficient_like_real_data(data):
    """366 channels, 1 bad, 3 MEG SSP vectors, average reference: rank 302 (MEG) + 59 (EEG)."""
    rank = mne.compute_rank(data.noise_cov, info=data.info, verbose=False)
    assert rank == {"meg": 302, "eeg": 59}
    assert len(data.noise_cov.ch_names) == 365
    assert sim.BAD_CHANNEL["name"] not in data.noise_cov.ch_names


# ---------------------------------------------------------------------- ground truth --

def test_ground_truth_patches(data):
    aud = {p.name: p for p in data.truth.patches["auditory/left"]}
    rh, lh = aud["auditory-rh"], aud["auditory-lh"]
    # contralateral (right) stronger and earlier
    assert np.abs(rh.moment).max() > np.abs(lh.moment).max()
    assert data.truth.times[np.abs(rh.moment).argmax()] < data.truth.times[
        np.abs(lh.moment).argmax()]
    for patch in (rh, lh):
        assert patch.area_cm2 > 3.0                          # several cm²
        assert 20e-9 <= np.abs(patch.moment).max() <= 50e-9   # nAm, physiological
        np.testing.assert_allclose(np.linalg.norm(patch.orientations, axis=1), 1, rtol=1e-6)
        centre = patch.positions.mean(axis=0)
        assert abs(centre[0]) > 0.035                          # lateral: temporal lobe
    assert rh.positions[:, 0].mean() > 0 > lh.positions[:, 0].mean()


def test_patches_lie_where_they_were_seeded(data):
    """Every patch centre is within 12 mm of its seed (fsaverage MRI coordinates)."""
    head_mri = _anatomy.read_trans()
    for condition, specs in sim.SOURCES.items():
        for spec, patch in zip(specs, data.truth.patches[condition], strict=True):
            centre = mne.transforms.apply_trans(head_mri, patch.positions).mean(axis=0) * 1e3
            assert np.linalg.norm(centre - np.array(spec["seed"])) < 12.0, (patch.name, centre)


def test_truth_explains_the_evoked(data, fixed_fwd):
    """Evoked = P L j_true + averaged noise: the residual has the noise level of the ± average."""
    evoked = data.evoked
    predicted = mne.apply_forward(fixed_fwd, data.truth.stc("auditory/left"), evoked.info,
                                  verbose=False)
    predicted.add_proj(evoked.info["projs"]).apply_proj(verbose=False)
    mags = mne.pick_types(evoked.info, meg="mag")
    residual = evoked.data[mags] - predicted.data[mags]
    trials = data.epochs["auditory/left"].get_data()[:, mags]
    signs = np.where(np.arange(len(trials)) % 2 == 0, 1.0, -1.0)
    plus_minus = np.mean(signs[:, None, None] * trials, axis=0)
    post = evoked.times > 0
    assert 0.8 < residual[:, post].std() / plus_minus[:, post].std() < 1.25
    assert np.abs(predicted.data[mags]).max() > 5 * plus_minus[:, post].std()


# ------------------------------------------------------- determinism and the cache --

@pytest.fixture(scope="module")
def coarse_cache(tmp_path_factory):
    """A coarse dataset built from nothing into a private cache."""
    root = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MINNORM_DATA", str(root))
        data = datasets.load_course_data(spacing="ico3", verbose=False)
    return root, data


def test_coarse_option(coarse_cache):
    _, data = coarse_cache
    assert data.fwd["nsource"] == 1284


def test_build_is_deterministic(coarse_cache, tmp_path, monkeypatch):
    root, first = coarse_cache
    monkeypatch.setenv("MINNORM_DATA", str(tmp_path))
    second = datasets.load_course_data(spacing="ico3", verbose=False)
    np.testing.assert_array_equal(first.raw.get_data(), second.raw.get_data())
    np.testing.assert_array_equal(first.fwd["sol"]["data"], second.fwd["sol"]["data"])
    np.testing.assert_array_equal(first.noise_cov.data, second.noise_cov.data)


def test_interrupted_build_is_never_used(tmp_path, monkeypatch):
    monkeypatch.setenv("MINNORM_DATA", str(tmp_path))

    def crash(folder, **kwargs):
        (folder / "course_raw.fif").write_bytes(b"half written")
        raise KeyboardInterrupt

    monkeypatch.setattr(_build, "build", crash)
    with pytest.raises(KeyboardInterrupt):
        datasets.load_course_data(spacing="ico3", verbose=False)
    assert not any(tmp_path.iterdir())       # nothing half-written left behind


def test_corrupt_cache_is_reported_by_name(coarse_cache, tmp_path, monkeypatch):
    root, _ = coarse_cache
    copy = tmp_path / "cache"
    shutil.copytree(root, copy)
    monkeypatch.setenv("MINNORM_DATA", str(copy))
    folder = next(copy.glob("course-*"))
    fwd_file = folder / "course-fwd.fif"
    raw = bytearray(fwd_file.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    fwd_file.write_bytes(bytes(raw))
    with pytest.raises(datasets.CorruptCacheError, match="course-fwd.fif.*rebuild=True"):
        datasets.load_course_data(spacing="ico3", verbose=False)
    (folder / "truth.npz").unlink()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert "truth.npz" in manifest["files"]
    fwd_file.write_bytes(bytes(raw))


def test_missing_shipped_file_is_named(monkeypatch):
    with pytest.raises(FileNotFoundError, match="does-not-exist.fif.*reinstall"):
        _anatomy.shipped_file("mne", "data/fsaverage/does-not-exist.fif")


def test_sample_data_absent_gives_instructions(tmp_path):
    with pytest.raises(FileNotFoundError, match="sample dataset is not on this machine.*"
                       "data_path"):
        datasets.load_sample_data(data_path=tmp_path)


def test_dataset_switch(monkeypatch):
    monkeypatch.setenv("MINNORM_DATASET", "nonsense")
    with pytest.raises(ValueError, match="'course' or 'sample'.*nonsense"):
        datasets.load_data()
    with pytest.raises(ValueError, match="spacing must be one of"):
        datasets.load_course_data(spacing="oct6")


def test_meg_layout_is_even(data):
    """102 well-spread locations on the helmet: nearest-neighbour spacing within a factor 2."""
    pos, normal = _sensors.meg_locations()
    from scipy.spatial import cKDTree
    nearest = cKDTree(pos).query(pos, k=2)[0][:, 1]
    assert len(pos) == 102
    assert nearest.max() < 2 * nearest.min()
    np.testing.assert_allclose(np.linalg.norm(normal, axis=1), 1.0)


def test_truth_dipoles_match_the_amplitude_map(data):
    """|j_true| per location (free layout) equals amplitude_map; directions are the normals."""
    src = data.fwd["src"]
    j = data.truth.dipoles(src, 0.09).reshape(-1, 3)
    # src['nn'] comes from a FIF file in float32: unit length to 2e-7, hence rtol 1e-6
    np.testing.assert_allclose(np.linalg.norm(src[0]["nn"], axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(j, axis=1), data.truth.amplitude_map(src, 0.09),
                               rtol=1e-6, atol=0)
    assert np.count_nonzero(np.linalg.norm(j, axis=1)) == sum(
        len(p.vertices) for p in data.truth.patches["auditory/left"])
