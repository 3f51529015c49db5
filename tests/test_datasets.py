"""The datasets: course data (geometry, magnitudes, ranks, ground truth, patch statistics, the
non-stationary condition, determinism, cache), the real recording, and MNE's sample layout."""

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
    assert len(data.epochs) == 3 * sim.N_TRIALS
    assert data.epochs.baseline == (-0.2, 0.0)
    assert np.isclose(data.epochs.tmin, -0.2) and np.isclose(data.epochs.tmax, 0.5)
    assert set(data.evokeds) == {"auditory/left", "visual/right", "somato/right"}
    assert data.info["bads"] == [sim.BAD_CHANNEL["name"]]
    kinds = sorted(p["desc"].split("-")[0] for p in data.raw.info["projs"])
    assert len(data.raw.info["projs"]) == 4 and "Average EEG reference" in kinds
    events = mne.find_events(data.raw, stim_channel="STI 014", verbose=False)
    assert np.bincount(events[:, 2])[[1, 4, 5]].tolist() == [60, 60, 60]


def test_describe_measures_the_loaded_data(data):
    """The numbers chapters quote come from the data: 366 x 15372, rank 302 + 59, nave 60."""
    facts = data.describe()
    assert facts.lead_field_shape == (366, 3 * 5124) == data.fwd["sol"]["data"].shape
    assert facts.channels == dict(mag=102, grad=204, eeg=60, bads=[sim.BAD_CHANNEL["name"]])
    assert facts.rank == {"meg": 302, "eeg": 59}
    assert facts.nave == {"auditory/left": 60, "visual/right": 60, "somato/right": 60}
    amplitude, latency, _ = facts.peaks["mag"]
    assert 100e-15 < abs(amplitude) < 500e-15 and 0.080 <= latency <= 0.110
    assert "366 × 15372" in str(facts) and "fT" in str(facts)
    assert data.describe("somato/right", tmin=0.25).peaks["mag"][1] >= 0.25


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


def _signed_amplitudes(truth, src, time, condition="auditory/left"):
    """a_true (n_src,): each patch vertex's moment at ``time``, signed (along +n_k)."""
    sample = np.argmin(np.abs(truth.times - time))
    a = np.zeros(sum(len(s["vertno"]) for s in src))
    for patch in truth.patches[condition]:
        offset = 0 if patch.hemi == 0 else len(src[0]["vertno"])
        a[offset + np.searchsorted(src[patch.hemi]["vertno"], patch.vertices)] += \
            patch.time_course[sample]
    return a


def test_truth_dipoles_match_the_amplitude_map(data, fixed_fwd):
    """|j_true| per location (free layout) equals amplitude_map; directions are MNE's fixed ones
    (use_cps=True: the patch-average normals)."""
    src = data.fwd["src"]
    j = data.truth.dipoles(src, 0.09).reshape(-1, 3)
    norms = np.linalg.norm(j, axis=1)
    np.testing.assert_allclose(norms, data.truth.amplitude_map(src, 0.09), rtol=1e-12, atol=0)
    assert np.count_nonzero(norms) == sum(
        len(p.vertices) for p in data.truth.patches["auditory/left"])
    active = norms > 0
    cosines = np.sum(j[active] / norms[active, None] * fixed_fwd["source_nn"][active], axis=1)
    np.testing.assert_allclose(np.abs(cosines), 1.0, rtol=0, atol=1e-12)


def test_truth_dipoles_give_the_fixed_forward_fields(data, fixed_fwd):
    """L_free j_true = L_fixed a_true: the simulation used MNE's default orientation (use_cps).

    MNE stores the fixed gain in float32 (convert_forward_solution): agreement to 1e-6.
    """
    field_free = data.fwd["sol"]["data"] @ data.truth.dipoles(data.fwd["src"], 0.09)
    a = _signed_amplitudes(data.truth, data.fwd["src"], 0.09)
    field_fixed = fixed_fwd["sol"]["data"].astype(np.float64) @ a
    assert np.linalg.norm(field_free - field_fixed) / np.linalg.norm(field_fixed) < 1e-6


# --------------------------------------------------------------- patch statistics --

def test_source_space_has_patch_statistics_like_setup_source_space(data):
    """Every fsaverage5 vertex belongs to the patch of its nearest source location (geodesic)."""
    src = data.fwd["src"]
    assert datasets.has_patch_info(src)
    for s in src:
        assert len(s["nearest"]) == s["np"] == 10242 and len(s["pinfo"]) == s["nuse"]
        np.testing.assert_array_equal(s["nearest"][s["vertno"]], s["vertno"])
        own = [s["vertno"][k] in s["pinfo"][p] for k, p in enumerate(s["patch_inds"])]
        assert all(own)
        assert sum(len(p) for p in s["pinfo"]) == s["np"]


def test_source_normals_are_mnes_use_cps_orientation(data, fixed_fwd):
    """Our patch-average normals equal MNE's fixed orientation (use_cps=True) to 1e-12."""
    ours = np.concatenate([datasets.source_normals(s) for s in data.fwd["src"]])
    np.testing.assert_allclose(ours, fixed_fwd["source_nn"], rtol=0, atol=1e-12)
    vertex = np.concatenate([datasets.source_normals(s, use_cps=False) for s in data.fwd["src"]])
    np.testing.assert_array_equal(vertex, np.concatenate(
        [s["nn"][s["vertno"]] for s in data.fwd["src"]]))


def test_patch_normals_differ_from_vertex_normals(data, fixed_fwd):
    """Folded cortex: median 5.8°, 95th percentile 19.6° between vertex and patch normal; the
    fixed-orientation gain changes by 16.5 % overall (MNE's default against use_cps=False)."""
    angles = datasets.patch_normal_angles(data.fwd["src"])
    assert 4.0 < np.median(angles) < 8.0 and 15.0 < np.percentile(angles, 95) < 25.0
    vertex = mne.convert_forward_solution(data.fwd, force_fixed=True, use_cps=False,
                                          verbose=False)
    L_cps, L_vertex = (f["sol"]["data"].astype(np.float64) for f in (fixed_fwd, vertex))
    change = np.linalg.norm(L_cps - L_vertex) / np.linalg.norm(L_vertex)
    assert 0.10 < change < 0.25


# ---------------------------------------------------- noise: the whitened GFP late --

def _whitened_gfp2(evoked, noise_cov):
    """MNE's plot_white quantity sum(x_white^2) / rank per sample (good channels, projected)."""
    info = mne.pick_info(evoked.info, mne.pick_types(evoked.info, meg=True, eeg=True))
    W, _, rank = mne.cov.compute_whitener(noise_cov, info, pca=True, return_rank=True,
                                          verbose=False)
    picks = [evoked.ch_names.index(c) for c in info["ch_names"]]
    return np.sum((np.sqrt(evoked.nave) * W @ evoked.data[picks]) ** 2, axis=0) / rank


def test_whitened_gfp_returns_to_one_after_the_response(data):
    """Baseline 1.01, 300-500 ms 1.06 (version 5, AR(1) brain noise: 0.98 and 1.55)."""
    gfp2 = _whitened_gfp2(data.evoked, data.noise_cov)
    times = data.evoked.times
    assert 0.9 < gfp2[times < 0].mean() < 1.1
    assert 0.95 < gfp2[times >= 0.3].mean() < 1.15
    assert gfp2.max() > 5


def test_baseline_correction_inflation_closed_form():
    """White noise: (n + 1) / (n - 1); the alpha rhythm: 1.08; AR(1) 0.95 (version 5): 3.45."""
    late = np.arange(100, 141)
    assert np.isclose(sim.baseline_correction_inflation(np.r_[1.0, np.zeros(140)], 41, late),
                      42 / 40)
    alpha = sim.autocorrelation(sim.resonator(10.0, 0.97), 141)
    assert 1.05 < sim.baseline_correction_inflation(alpha, 41, late) < 1.1
    assert sim.baseline_correction_inflation(sim.autocorrelation([1.0, -0.95], 141), 41,
                                             late) > 3


# ------------------------------------------- the non-stationary condition (TF-MxNE) --

def test_somato_condition_is_a_transient_and_a_burst(data):
    """somato/right: a 45 ms transient in left S1, a 20 Hz burst at 300 ms in right M1."""
    transient, burst = data.truth.patches["somato/right"]
    times = data.truth.times
    assert (transient.hemi, burst.hemi) == (0, 1)
    assert times[np.argmax(np.abs(transient.moment))] == pytest.approx(0.045)
    assert np.sum(np.abs(transient.moment) > 0.5 * 20e-9) <= 4          # under 20 ms at 200 Hz
    spectrum = np.abs(np.fft.rfft(burst.moment, 1000))
    assert np.fft.rfftfreq(1000, 1 / sim.SFREQ)[np.argmax(spectrum)] == pytest.approx(20.0, 0.05)
    assert times[np.argmax(np.abs(burst.moment))] == pytest.approx(0.3, abs=0.03)
    for patch in (transient, burst):
        assert patch.positions[:, 2].mean() > 0.06                        # dorsal: central region


def test_tf_mxne_recovers_what_mxne_smears(data, one_blas_thread):
    """At 30 % of alpha_max, MxNE adds 14 sources far from the truth and spreads 20 % of the
    transient's energy outside its time; TF-MxNE (l1_ratio 0.1, wsize 16, tstep 4) finds both
    patches with at most one extra source and keeps 96 % of the transient's energy on it."""
    from minnorm_teach import sparse as sp

    evoked = data.evokeds["somato/right"].copy().crop(-0.1, 0.5)
    prep = sp.prepare_sparse_gain(data.fwd, evoked.info, data.noise_cov, loose=0.2, depth=0.8)
    b = prep.W @ evoked.data[[evoked.ch_names.index(n) for n in prep.ch_names]]
    tol = 1e-6 * np.sum(b**2)
    mxne = sp.mxne(b, prep.L, 0.3 * sp.alpha_max(prep.L, b, 3), 3, tol=tol)
    frame = sp.make_frame(16, 4, b.shape[1])
    a = 0.3 * sp.alpha_max_tf(prep.L, b, frame, 0.1, 3)
    tf, frame = sp.tf_mxne(b, prep.L, 0.9 * a, 0.1 * a, 3, wsize=16, tstep=4, tol=tol)
    patches = data.truth.patches["somato/right"]
    mx, tf = (_sparse_scores(sol.active, j, prep.forward["source_rr"], patches, evoked.times,
                             data.truth.times)
              for sol, j in ((mxne, mxne.j), (tf, frame.synthesis(tf.j))))
    assert max(tf["distances"]) < 0.010 and tf["extra"] <= 1 and mx["extra"] >= 5
    assert tf["outside"] < 0.1 < mx["outside"]


def _sparse_scores(active, j, source_rr, patches, times, truth_times):
    """extra: locations > 20 mm from every patch; distances: of the nearest location to each
    patch (m); outside: fraction of the transient estimate's energy where the truth is < 5 %
    of its peak."""
    locations = np.flatnonzero(active[::3])
    centres = np.array([p.positions.mean(axis=0) for p in patches])
    distance = np.linalg.norm(source_rr[locations][:, None] - centres[None], axis=2)
    extra = int(np.sum(distance.min(axis=1) > 0.020))
    amplitude = np.linalg.norm(j.reshape(len(locations), 3, -1), axis=1)
    transient = amplitude[distance[:, 0] < 0.020].sum(axis=0)
    truth = np.abs(np.interp(times, truth_times, patches[0].moment))
    outside = np.sum(transient[truth < 0.05 * truth.max()] ** 2) / np.sum(transient**2)
    return dict(extra=extra, distances=list(distance.min(axis=0)), outside=float(outside))


# ------------------------------------------------------------ the real recording --

@pytest.fixture(scope="module")
def recording():
    return datasets.load_recording(verbose=False)


def test_recording_files_ship_with_their_licence():
    folder = datasets.recording_file("test-ave.fif.gz").parent
    assert (folder / "LICENSE-MNE-Python.txt").is_file()
    assert "mne-tools/mne-python" in (folder / "SOURCE.md").read_text()
    with pytest.raises(FileNotFoundError, match="no-such.fif.*test-ave.fif.gz"):
        datasets.recording_file("no-such.fif")


def test_recording_structure_and_bads(recording):
    """Four averages (nave 3-6), 366 channels, the original bads, four active projectors."""
    assert {c: e.nave for c, e in recording.evokeds.items()} == {
        "auditory/left": 3, "auditory/right": 6, "visual/left": 6, "visual/right": 6}
    assert recording.raw is None and recording.epochs is None and recording.truth is None
    facts = recording.describe()
    assert facts.channels == dict(mag=102, grad=204, eeg=60, bads=["MEG 2443", "EEG 053"])
    assert all(p["active"] for p in recording.info["projs"]) and len(facts.projectors) == 4
    assert facts.rank == {"meg": 302, "eeg": 58}
    assert recording.empty_room_cov is not None
    assert facts.lead_field_shape == (366, 3 * 5124)


def test_recording_forward_is_the_course_cortex_in_that_head(recording, data):
    """Same source space (vertices, patches) as the course data, placed by the coregistration."""
    assert datasets.has_patch_info(recording.fwd["src"])
    for ours, course in zip(recording.fwd["src"], data.fwd["src"], strict=True):
        np.testing.assert_array_equal(ours["vertno"], course["vertno"])
        np.testing.assert_array_equal(ours["patch_inds"], course["patch_inds"])
    info = recording.build_info
    assert info["n_dig_points"] == 146 and info["coreg_median_mm"] < 6.0
    assert info["n_sources_forward"] == 5124                  # the sphere encloses every source
    assert info["sphere_radius"] >= info["sphere_fitted_radius"]
    assert 0.1 < info["meg_sphere_vs_bem"] < 0.5              # why MEG uses the BEM


def test_recording_n100m(recording):
    """Right-ear N100m (nave 6): gradiometer peak 150-250 fT/cm at 70-110 ms."""
    amplitude, latency, _ = recording.describe("auditory/right", tmin=0.07,
                                                tmax=0.13).peaks["grad"]
    assert 150e-13 < abs(amplitude) < 250e-13 and 0.070 <= latency <= 0.110


def test_build_all_builds_both(monkeypatch):
    calls = []
    monkeypatch.setattr(datasets, "load_course_data", lambda **k: calls.append("course") or 1)
    monkeypatch.setattr(datasets, "load_recording", lambda **k: calls.append("recording") or 2)
    assert datasets.build_all(verbose=False) == (1, 2) and calls == ["course", "recording"]


# ------------------------------------------------ MNE's sample layout (the fixture) --

@pytest.fixture(scope="module")
def sample(sample_layout, monkeypatch_module):
    monkeypatch_module.setenv("MNE_DATASETS_SAMPLE_PATH", str(sample_layout))
    return datasets.load_data("sample")


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_sample_layout_is_found_like_a_real_copy(sample, sample_layout):
    """MNE_DATASETS_SAMPLE_PATH finds it; the tutorial's files, bads, projectors and EOG."""
    meg = sample_layout / "MNE-sample-data" / "MEG" / "sample"
    assert sorted(p.name for p in meg.iterdir()) == [
        "sample_audvis-meg-eeg-oct-6-fwd.fif", "sample_audvis_filt-0-40_raw.fif",
        "sample_audvis_raw-trans.fif"]
    assert sample.name == "sample" and sample.truth is None
    assert sample.info["bads"] == ["MEG 2443", "EEG 053"]
    assert len(sample.info["projs"]) == 4
    assert "EOG 061" in sample.epochs.ch_names
    assert any("EOG 061" in log for log in sample.epochs.drop_log)        # blinks rejected
    assert set(sample.evokeds) == {"auditory/left", "auditory/right", "visual/left",
                                   "visual/right"}
    assert datasets.has_patch_info(sample.fwd["src"])
    assert sample.describe().rank == {"meg": 302, "eeg": 58}
    assert (sample.subjects_dir / "sample" / "surf" / "lh.inflated").is_file()
