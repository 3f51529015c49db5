"""Looking at a real recording, which has no ground truth (chapter 13).

With simulated data a chapter measures an estimate against the true sources. A recording
offers only what a careful analyst looks at instead: how well the template head fits the
digitised one, each channel's noise level, how white the baseline is after whitening, where
the peaks lie on the anatomy, and where the course's simulation put the same response.

- :func:`coreg_distances`: distances of the digitised head points to the template scalp
- :func:`noise_ratios`: each channel's noise s.d. over the median of its type
- :func:`whitened_baseline`: the whitened global field power per channel group
- :func:`hemisphere_peaks` -> :class:`Peak`: the largest value per hemisphere, in MRI mm
- :func:`simulated_patch_positions`: where the course's simulation placed a condition's sources

Arrays inside, MNE objects at the edges; nothing here estimates a source.
"""

from dataclasses import dataclass

import mne
import numpy as np

from .. import validation
from ..whitening import make_whitener, whitened_gfp
from ._course import _read_truth, course_folder, load_course_data
from ._headmodel import DIG_KINDS, dig_distances
from ._recording import FILES, recording_folder
from ._simulate import N_TRIALS as SIMULATED_TRIALS  # trials per condition of the course data

__all__ = ["SIMULATED_TRIALS", "Peak", "recording_trans", "coreg_distances", "dig_positions_mri",
           "noise_ratios", "channel_noise", "group_whiteners", "whitened_baseline",
           "source_positions_mri", "hemisphere_peaks", "simulated_patch_positions",
           "distance_to_points"]

HEMI_NAMES = ("left", "right")


def recording_trans():
    """The head->MRI transform of the recording's coregistration (``mne.Transform``)."""
    return mne.read_trans(recording_folder() / FILES["trans"], verbose=False)


def coreg_distances(data, trans=None):
    """d_i = distance (m) of digitised point i to the template scalp, (n_points,).

    Every digitised point (fiducials, HPI coils, EEG electrodes, extra head shape), as
    ``mne.dig_mri_distances`` with ``exclude_frontal=False``.
    """
    trans = recording_trans() if trans is None else trans
    return dig_distances(data.info, trans, data.subject, data.subjects_dir)


def dig_positions_mri(info, trans):
    """Positions (n_points, 3) in m, MRI coordinates, of the points of ``coreg_distances``."""
    kinds = {mne.io.constants.FIFF[f"FIFFV_POINT_{k.upper()}"] for k in DIG_KINDS}
    head = np.array([d["r"] for d in info["dig"] if d["kind"] in kinds])
    return mne.transforms.apply_trans(trans, head)


def noise_ratios(C, ch_types):
    """r_i = sqrt(C_ii) / median_{j of i's type} sqrt(C_jj), (n_channels,).

    ``C`` (n_channels, n_channels) noise covariance, ``ch_types`` (n_channels,) "mag", "grad"
    or "eeg". A channel far above 1 is noisier than its kind; near 1 says nothing is wrong
    with its noise (a channel can be bad for other reasons: a flat or jumping signal).
    """
    C = validation.as_real_array(C, "C", ndim=2, shape_text="(n_channels, n_channels)")
    ch_types = np.asarray(ch_types)
    validation.check_rows_match("C", C.shape[0], "rows", "ch_types", len(ch_types), "entries")
    sd = np.sqrt(np.diag(C))
    ratios = np.empty_like(sd)
    for kind in np.unique(ch_types):
        mask = ch_types == kind
        ratios[mask] = sd[mask] / np.median(sd[mask])
    return ratios


def channel_noise(noise_cov, info):
    """(names, types, ratios) of :func:`noise_ratios` on every MEG/EEG channel of the cov."""
    names = [n for n in noise_cov.ch_names if n in info["ch_names"]]
    types = [mne.channel_type(info, info["ch_names"].index(n)) for n in names]
    keep = [i for i, t in enumerate(types) if t in ("mag", "grad", "eeg")]
    idx = [noise_cov.ch_names.index(names[i]) for i in keep]
    C = noise_cov.data[np.ix_(idx, idx)]
    kept_types = [types[i] for i in keep]
    return [names[i] for i in keep], kept_types, noise_ratios(C, kept_types)


def group_whiteners(noise_cov, info):
    """Group ("meg", "eeg") -> Whitener of ``noise_cov`` on that group's good channels."""
    return {group: make_whitener(noise_cov, mne.pick_info(info, mne.pick_types(
        info, meg=group == "meg", eeg=group == "eeg", exclude=()))) for group in ("meg", "eeg")}


def whitened_baseline(evoked, noise_cov=None, *, whiteners=None, tmax=0.0):
    """Group -> (GFP_W(t), its mean over the baseline t < tmax), one whitener per group.

    GFP_W(t) = ||sqrt(nave) W b(t)||^2 / rank (:func:`~minnorm_teach.whitening.whitened_gfp`):
    about 1 in the baseline when ``noise_cov`` describes the noise of the data. Pass
    ``whiteners`` (from :func:`group_whiteners`) instead of ``noise_cov`` to reuse them.
    """
    if (noise_cov is None) == (whiteners is None):
        raise ValueError("give either noise_cov or whiteners (from group_whiteners), not "
                         f"{'both' if whiteners is not None else 'neither'}")
    whiteners = whiteners or group_whiteners(noise_cov, evoked.info)
    out = {}
    for group, w in whiteners.items():
        rows = [evoked.ch_names.index(c) for c in w.ch_names]
        gfp = whitened_gfp(evoked.data[rows], np.sqrt(evoked.nave) * w.W, w.rank[group])
        out[group] = (gfp, float(gfp[evoked.times < tmax].mean()))
    return out


def source_positions_mri(fwd):
    """Positions (m, MRI coordinates) of the forward's sources, one (nuse, 3) per hemisphere."""
    head_to_mri = mne.transforms.invert_transform(fwd["mri_head_t"])
    frame_is_head = fwd["src"][0]["coord_frame"] == mne.io.constants.FIFF.FIFFV_COORD_HEAD
    positions = [s["rr"][s["vertno"]] for s in fwd["src"]]
    if frame_is_head:
        positions = [mne.transforms.apply_trans(head_to_mri, p) for p in positions]
    return positions


@dataclass(frozen=True)
class Peak:
    """The largest |value| of a source estimate in one hemisphere within a time window."""

    hemi: int                 # 0 = left, 1 = right
    vertex: int               # source-space vertex number
    time: float               # s
    value: float              # the estimate's value there (its units)
    position: np.ndarray      # (3,) m, MRI coordinates (fsaverage: MNI305)

    def __str__(self):
        x, y, z = self.position * 1e3
        return (f"{HEMI_NAMES[self.hemi]} hemisphere at {self.time * 1e3:.0f} ms, vertex "
                f"{self.vertex}, MRI ({x:.0f}, {y:.0f}, {z:.0f}) mm")


def hemisphere_peaks(stc, fwd, tmin, tmax):
    """(left Peak, right Peak): argmax of |stc| over each hemisphere's sources, tmin <= t <= tmax.

    ``stc`` a SourceEstimate on (a subset of) ``fwd``'s sources; positions from
    :func:`source_positions_mri`.
    """
    if not isinstance(stc, mne.SourceEstimate):
        raise TypeError(f"stc must be an mne.SourceEstimate (one value per source), got "
                        f"{type(stc).__name__}")
    window = (stc.times >= tmin) & (stc.times <= tmax)
    if not window.any():
        raise ValueError(f"no sample of the estimate ({stc.times[0]:.3f} to {stc.times[-1]:.3f}"
                         f" s) lies in the window {tmin} to {tmax} s")
    positions, peaks, offset = source_positions_mri(fwd), [], 0
    for hemi, vertno in enumerate(stc.vertices):
        values = np.abs(stc.data[offset:offset + len(vertno)][:, window])
        offset += len(vertno)
        if values.size == 0:
            peaks.append(None)
            continue
        row, col = np.unravel_index(np.argmax(values), values.shape)
        local = np.searchsorted(fwd["src"][hemi]["vertno"], vertno[row])
        peaks.append(Peak(hemi, int(vertno[row]), float(stc.times[window][col]),
                          float(stc.data[offset - len(vertno) + row, np.flatnonzero(window)[col]]),
                          positions[hemi][local]))
    return tuple(peaks)


def simulated_patch_positions(fwd, condition="auditory/left"):
    """Hemisphere -> (n, 3) m MRI positions of the sources the course's simulation activated
    for ``condition`` (chapters 01-12), on ``fwd``'s source space (the same cortex).

    Reads the course dataset's ground truth from the cache (building the dataset if needed).
    """
    folder = course_folder()
    if not (folder / "manifest.json").is_file():
        load_course_data(verbose=False)
    patches = _read_truth(folder, times=None).patches[condition]
    positions, out = source_positions_mri(fwd), {}
    for patch in patches:
        local = np.searchsorted(fwd["src"][patch.hemi]["vertno"], patch.vertices)
        out[patch.hemi] = positions[patch.hemi][local]
    return out


def distance_to_points(position, points):
    """min_i ||position - points_i|| (m): the distance from a peak to the nearest point."""
    return float(np.min(np.linalg.norm(np.asarray(points) - np.asarray(position), axis=1)))
