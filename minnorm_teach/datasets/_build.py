"""Build the course dataset into a folder (called by the cache; see ``__init__``)."""

import json
from pathlib import Path

import mne
import numpy as np
from threadpoolctl import threadpool_limits

from . import _simulate as sim
from ._anatomy import SUBJECT, read_trans, write_subjects_dir
from ._sensors import make_info

FILES = dict(raw="course_raw.fif", fwd="course-fwd.fif", cov="course-cov.fif",
             truth="truth.npz", truth_meta="truth.json")


def head_coordinates(src, trans):
    """Positions (m) of the used source-space vertices in head coordinates."""
    mri_head = trans if trans["from"] == mne.io.constants.FIFF.FIFFV_COORD_MRI \
        else mne.transforms.invert_transform(trans)
    return np.concatenate([mne.transforms.apply_trans(mri_head, s["rr"][s["vertno"]])
                           for s in src])


def course_sphere(src, trans, margin=0.002):
    """Spherical conductor enclosing every cortical source.

    Centre: the middle of the sources' bounding box (head coordinates). The brain shell (MNE's
    innermost relative radius 0.90) passes ``margin`` outside the farthest source, so no source
    is dropped; MEG fields of a sphere depend only on its centre (Sarvas 1987), EEG uses MNE's
    four-shell model with its default conductivities.
    """
    rr = head_coordinates(src, trans)
    r0 = 0.5 * (rr.min(axis=0) + rr.max(axis=0))
    brain_radius = np.linalg.norm(rr - r0, axis=1).max() + margin
    return mne.make_sphere_model(r0=r0, head_radius=brain_radius / 0.90)


def sphere_forward(info, trans, src, sphere):
    """``mne.make_forward_solution`` with a spherical conductor, keeping every source inside it.

    MNE 1.13.2 tests whether sources lie inside a sphere model after moving them to MRI
    coordinates, although the sphere's centre is in head coordinates; with fsaverage's 4-5 cm
    head<->MRI offset that drops a quarter of the cortex. We therefore move the source space to
    head coordinates first and pass an identity transform, so the test and the computation both
    happen in head coordinates, then restore the real head<->MRI transform on the result. The
    gain columns are identical to MNE's for every source MNE keeps (checked in the tests).
    """
    mri_head = trans if trans["from"] == mne.io.constants.FIFF.FIFFV_COORD_MRI \
        else mne.transforms.invert_transform(trans)
    src_head = src.copy()
    for s in src_head:
        mne.transforms.transform_surface_to(s, "head", mri_head)
    identity = mne.transforms.Transform("head", "mri", np.eye(4))
    fwd = mne.make_forward_solution(info, identity, src_head, sphere, meg=True, eeg=True)
    fwd["mri_head_t"] = mri_head
    with fwd["info"]._unlock():
        fwd["info"]["mri_head_t"] = mri_head
    return fwd


def _source_activity(fwd, subjects_dir, events, n_times, rng):
    """Source time courses (A·m) of all active vertices, and the per-condition ground truth."""
    src = fwd["src"]
    epoch_times = np.arange(round(sim.TMIN * sim.SFREQ), round(sim.TMAX * sim.SFREQ) + 1)
    rows, truth = {}, {}
    for condition, specs in sim.SOURCES.items():
        truth[condition] = []
        for spec in specs:
            full, label = sim.make_patch(src, SUBJECT, subjects_dir, spec, fwd["mri_head_t"])
            full.save(Path(subjects_dir) / SUBJECT / "label" / f"{spec['name']}.label")
            spec = dict(spec, area_cm2=sim.label_area(full, subjects_dir, SUBJECT))
            wave = sim.waveform(epoch_times / sim.SFREQ, spec["peaks"], spec.get("frequency", 0.0))
            per_vertex = spec["moment"] / len(label.vertices) * wave / np.abs(wave).max()
            truth[condition].append((spec, label, per_vertex))
            for v in label.vertices:
                rows.setdefault((spec["hemi"], int(v)), []).append((condition, per_vertex))
    # background brain noise: random vertices outside the patches
    all_vertices = [(h, int(v)) for h in (0, 1) for v in src[h]["vertno"]]
    free = [hv for hv in all_vertices if hv not in rows]
    pick = rng.choice(len(free), sim.BRAIN_NOISE["n_sources"], replace=False)
    noise_vertices = sorted(free[i] for i in pick)
    keys = sorted(set(rows) | set(noise_vertices))
    index = {k: i for i, k in enumerate(keys)}
    data = np.zeros((len(keys), n_times))
    noise = sim._rhythm(rng, (len(noise_vertices), n_times), sim.BRAIN_NOISE["frequency"],
                        sim.BRAIN_NOISE["pole"])
    noise_rows = [index[k] for k in noise_vertices]
    data[noise_rows] = noise
    for onset, _, code in events:
        condition = next(c for c, i in sim.EVENT_ID.items() if i == code)
        start = onset + epoch_times[0]
        for key, contributions in rows.items():
            for cond, per_vertex in contributions:
                if cond == condition:
                    data[index[key], start:start + len(per_vertex)] += per_vertex
    vertices = [np.array([v for h, v in keys if h == hemi]) for hemi in (0, 1)]
    stc = mne.SourceEstimate(data, vertices, tmin=0.0, tstep=1 / sim.SFREQ, subject=SUBJECT)
    return stc, noise_rows, truth


def _scale_brain_noise(stc, noise_rows, fwd_fixed, info):
    """Scale the brain-noise rows so the magnetometers see BRAIN_NOISE['rms_mag'] (T rms)."""
    mags = mne.pick_types(info, meg="mag")
    L = fwd_fixed["sol"]["data"]
    src_index = np.concatenate([np.searchsorted(s["vertno"], v) + (0 if h == 0 else
                                len(fwd_fixed["src"][0]["vertno"]))
                                for h, (s, v) in enumerate(zip(fwd_fixed["src"], stc.vertices,
                                                               strict=True))])
    rows = np.asarray(noise_rows)
    field = L[np.ix_(mags, src_index[rows])] @ stc.data[rows]
    scale = sim.BRAIN_NOISE["rms_mag"] / np.sqrt(np.mean(field**2))
    stc.data[rows] *= scale
    return scale


def _environment(info, n_times, rng):
    """Uniform external field (3 axes, AR(1), device frame) seen by the magnetometers, (n_ch, n)."""
    field = sim._ar1(rng, (3, n_times), sim.ENV_NOISE["ar"]) * sim.ENV_NOISE["std"]
    out = np.zeros((len(info["ch_names"]), n_times))
    for k in mne.pick_types(info, meg="mag"):
        out[k] = info["chs"][k]["loc"][9:12] @ field
    return out


def _sensor_noise_cov(info):
    return mne.make_ad_hoc_cov(info, std=dict(sim.SENSOR_NOISE))


def _projectors(info, rng, seed):
    """Three magnetometer SSP vectors from a simulated empty-room recording."""
    meg_info = mne.pick_info(info, mne.pick_types(info, meg=True))
    n = int(sim.ENV_NOISE["empty_room_s"] * sim.SFREQ)
    empty_room = mne.io.RawArray(_environment(meg_info, n, rng), meg_info, verbose=False)
    mne.simulation.add_noise(empty_room, _sensor_noise_cov(meg_info), iir_filter=None,
                             random_state=seed + 1)
    return mne.compute_proj_raw(empty_room, n_grad=0, n_mag=3, n_eeg=0, verbose=False)


def build(folder, spacing="ico4", seed=0):
    """Write every file of the dataset into ``folder`` and return the build metadata."""
    folder = Path(folder)
    rng = np.random.default_rng(seed)
    subjects_dir = folder / "subjects"
    write_subjects_dir(subjects_dir)
    trans = read_trans()
    info = make_info(sim.SFREQ)
    src = mne.setup_source_space(SUBJECT, spacing, subjects_dir=subjects_dir, add_dist="patch")
    n_src_total = sum(s["nuse"] for s in src)
    sphere = course_sphere(src, trans)
    data_info = mne.pick_info(info, mne.pick_types(info, meg=True, eeg=True))
    fwd = sphere_forward(data_info, trans, src, sphere)
    fwd_fixed = mne.convert_forward_solution(fwd, surf_ori=True, force_fixed=True)

    events = sim.event_schedule(rng)
    n_times = int(events[-1, 0] + 1.5 * sim.SFREQ)
    stc, noise_rows, truth = _source_activity(fwd, subjects_dir, events, n_times, rng)
    brain_scale = _scale_brain_noise(stc, noise_rows, fwd_fixed, data_info)

    raw = mne.apply_forward_raw(fwd_fixed, stc, data_info, verbose=False)
    raw._data += _environment(raw.info, n_times, rng)
    mne.simulation.add_noise(raw, _sensor_noise_cov(raw.info), iir_filter=None,
                             random_state=seed)
    bad = raw.ch_names.index(sim.BAD_CHANNEL["name"])
    raw._data[bad] += rng.standard_normal(n_times) * sim.BAD_CHANNEL["std"]
    stim = np.zeros((1, n_times))
    stim[0, events[:, 0]] = events[:, 2]
    stim_info = mne.create_info(["STI 014"], sim.SFREQ, "stim")
    raw.add_channels([mne.io.RawArray(stim, stim_info, verbose=False)], force_update_info=True)
    raw.info["bads"] = [sim.BAD_CHANNEL["name"]]
    raw.add_proj(_projectors(raw.info, rng, seed))
    raw.set_eeg_reference(projection=True, verbose=False)

    raw.save(folder / FILES["raw"], overwrite=True, verbose=False)
    mne.write_forward_solution(folder / FILES["fwd"], fwd, overwrite=True, verbose=False)
    epochs = make_epochs(mne.io.read_raw_fif(folder / FILES["raw"], preload=True,
                                             verbose=False))
    noise_cov = shrunk_covariance(epochs)
    noise_cov.save(folder / FILES["cov"], overwrite=True, verbose=False)
    _save_truth(folder, truth, fwd_fixed, brain_scale, noise_rows, stc, seed)
    return dict(n_sources_setup=int(n_src_total), n_sources_forward=int(fwd["nsource"]),
                sphere_r0=[float(x) for x in sphere["r0"]], sphere_radius=float(sphere.radius))


def shrunk_covariance(epochs):
    """MNE's shrunk noise covariance of the baseline (t <= 0), with one BLAS thread.

    The shrinkage is chosen by cross-validation: hundreds of small eigendecompositions, for
    which BLAS threads cost more than they give (8 s instead of 140 s on two busy cores).
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return mne.compute_covariance(epochs, tmax=0.0, method="shrunk", rank=None,
                                      verbose=False)


def make_epochs(raw):
    """Epochs (-200..500 ms, baseline -200..0 ms, projectors applied) of every condition."""
    events = mne.find_events(raw, stim_channel="STI 014", verbose=False)
    return mne.Epochs(raw, events, sim.EVENT_ID, sim.TMIN, sim.TMAX, baseline=(None, 0.0),
                      picks=["meg", "eeg"], preload=True, verbose=False)


def _inflation(ar_denominator):
    """Noise variance at 300-500 ms over that in the baseline, after baseline correction."""
    start = round(sim.TMIN * sim.SFREQ)
    late = np.arange(round(0.3 * sim.SFREQ), round(0.5 * sim.SFREQ) + 1) - start
    rho = sim.autocorrelation(np.atleast_1d(ar_denominator), late[-1] + 1)
    return round(sim.baseline_correction_inflation(rho, -start + 1, late), 4)


def _save_truth(folder, truth, fwd_fixed, brain_scale, noise_rows, stc, seed):
    arrays, meta = {}, {"conditions": {}, "seed": seed}
    offsets = [0, len(fwd_fixed["src"][0]["vertno"])]
    for condition, patches in truth.items():
        meta["conditions"][condition] = []
        for k, (spec, label, per_vertex) in enumerate(patches):
            hemi = spec["hemi"]
            rows = offsets[hemi] + np.searchsorted(fwd_fixed["src"][hemi]["vertno"],
                                                   label.vertices)
            key = f"{condition}|{k}"
            arrays[key + "|vertices"] = label.vertices
            arrays[key + "|positions"] = fwd_fixed["source_rr"][rows]
            arrays[key + "|orientations"] = fwd_fixed["source_nn"][rows]
            arrays[key + "|time_course"] = per_vertex
            meta["conditions"][condition].append(
                {k2: v for k2, v in spec.items()} | {"n_vertices": len(label.vertices)})
    noise_vertices = [np.concatenate(stc.vertices)[noise_rows]]
    arrays["brain_noise|vertices"] = noise_vertices[0]
    meta["noise"] = dict(
        brain=dict(sim.BRAIN_NOISE, moment_std=float(brain_scale),
                   baseline_inflation_300_500ms=_inflation(sim.resonator(
                       sim.BRAIN_NOISE["frequency"], sim.BRAIN_NOISE["pole"])),
                   description="independent 10 Hz alpha rhythms (AR(2)) at random cortical "
                               "locations, along MNE's fixed orientation (patch normals)"),
        environment=dict(sim.ENV_NOISE, description="uniform external field per device axis, "
                         "seen by magnetometers only; removed by the 3 SSP projectors"),
        sensor=dict(sim.SENSOR_NOISE, baseline_inflation_300_500ms=_inflation([1.0]),
                    description="white Gaussian noise per channel: "
                    "MNE's ad-hoc standard deviations for MEG (20 fT, 5 fT/cm), 1 uV for EEG"),
        bad_channel=dict(sim.BAD_CHANNEL))
    np.savez(folder / FILES["truth"], **arrays)
    (folder / FILES["truth_meta"]).write_text(json.dumps(meta, indent=1))
