"""Where do LCMV and γ-MAP put the simulated auditory sources, and how much do the two
correlated auditory patches cancel in the beamformer? (numbers for chapter 15)

Run: ``python benchmarks/ground_truth_lcmv_gamma_map.py [ico4|ico3]`` (ico4, the course
default: about a minute for LCMV, several for γ-MAP on two cores).

1. Peak localisation error: at each patch's N100 peak (right 90 ms, left 105 ms), the location
   of the largest |j| in that hemisphere, against the patch's centroid and its nearest vertex.
2. Signal cancellation: the simulated right and left patches are correlated over the
   covariance window (0-300 ms). Removing one patch's exact field P l_patch tc(t) from every
   epoch gives data in which the other is alone (the simulation uses the course forward, so
   the removal is exact up to the baseline correction). The unit-gain, max-power LCMV at the
   vertex nearest each patch's centroid then estimates the patch moment with and without its
   correlated partner; the ratio is the cancellation.
"""

import sys
import time

import mne
import numpy as np

import minnorm_teach as mt
from minnorm_teach import beamformer as bf
from minnorm_teach.sparse.gamma_map_mirror import gamma_map

mne.set_log_level("WARNING")
PEAK = {"auditory-rh": 0.090, "auditory-lh": 0.105}


def positions(src, hemi, vertices):
    return src[hemi]["rr"][vertices]


def peak_error_mm(stc, patch, src):
    """Distance (mm) from the hemisphere's largest |j| at the patch's peak time to the patch
    centroid and to the nearest patch vertex."""
    sample = int(np.argmin(np.abs(stc.times - PEAK[patch.name])))
    rows = slice(0, len(stc.vertices[0])) if patch.hemi == 0 else \
        slice(len(stc.vertices[0]), None)
    values = np.abs(stc.data[rows, sample])
    peak = positions(src, patch.hemi, stc.vertices[patch.hemi][np.argmax(values)])
    to_centre = np.linalg.norm(peak - patch.positions.mean(axis=0)) * 1e3
    to_patch = np.min(np.linalg.norm(patch.positions - peak, axis=1)) * 1e3
    return to_centre, to_patch


def patch_field(patch, fwd, ch_names, P):
    """P l_patch: the projected field of the whole patch per unit of its vertices' current."""
    rows = [fwd["sol"]["row_names"].index(c) for c in ch_names]
    src = fwd["src"]
    offset = 0 if patch.hemi == 0 else len(src[0]["vertno"])
    index = offset + np.searchsorted(src[patch.hemi]["vertno"], patch.vertices)
    L = fwd["sol"]["data"][rows]
    nn = src[patch.hemi]["nn"][patch.vertices]
    l_patch = sum(L[:, 3 * k:3 * k + 3] @ n for k, n in zip(index, nn, strict=True))
    return P @ l_patch


def centre_row(patch, src):
    """Row (location index) of the source-space vertex nearest the patch centroid."""
    rr = positions(src, patch.hemi, src[patch.hemi]["vertno"])
    k = int(np.argmin(np.linalg.norm(rr - patch.positions.mean(axis=0), axis=1)))
    return k + (0 if patch.hemi == 0 else len(src[0]["vertno"]))


def without(epochs, patch, field):
    """Epochs with the patch's exact contribution field tc(t) removed from every trial."""
    removed = epochs.get_data() - field[None, :, None] * patch.time_course[None, None, :]
    return mne.EpochsArray(removed, epochs.info, events=epochs.events, tmin=epochs.tmin,
                           event_id=epochs.event_id, baseline=(None, 0.0))


def cancellation(data, epochs, patches):
    """Each patch with its correlated partner and alone: the unit-gain max-power LCMV moment
    at its centre (/ the true moment) and the default LCMV's peak error (mm)."""
    fwd, info = data.fwd, data.info
    ch_names = [c for c in epochs.ch_names if c not in info["bads"]]
    P, _ = mt.whitening.projector(info["projs"], ch_names)
    rows = [epochs.ch_names.index(c) for c in ch_names]
    fields = {p.name: np.zeros(len(epochs.ch_names)) for p in patches}
    for p in patches:
        fields[p.name][rows] = patch_field(p, fwd, ch_names, P)
    results = {}
    for p in patches:
        other = next(q for q in patches if q is not p)
        sample = int(np.argmin(np.abs(epochs.times - PEAK[p.name])))
        row, true = centre_row(p, fwd["src"]), abs(p.moment[sample])
        for label, ep in (("with partner", epochs),
                          ("alone", without(epochs, other, fields[other.name]))):
            cov = mne.compute_covariance(ep, tmin=0.0, tmax=0.3, method="empirical")
            unit_gain = bf.make_lcmv(info, fwd, cov, reg=0.05, noise_cov=data.noise_cov,
                                     weight_norm=None, pick_ori="max-power")
            moment = abs(bf.apply_lcmv(ep.average(), unit_gain).data[row, sample])
            default = bf.make_lcmv(info, fwd, cov, reg=0.05, noise_cov=data.noise_cov)
            error = peak_error_mm(bf.apply_lcmv(ep.average(), default), p, fwd["src"])
            results[p.name, label] = (moment / true, error)
    return results


def main(spacing="ico4"):
    data = mt.datasets.load_course_data(spacing=spacing, verbose=False)
    epochs = data.epochs["auditory/left"]
    patches = data.truth.patches["auditory/left"]
    src = data.fwd["src"]
    window = (data.truth.times >= 0) & (data.truth.times <= 0.3)
    rho = np.corrcoef(patches[0].moment[window], patches[1].moment[window])[0, 1]
    print(f"correlation of the two patch moments over 0-300 ms: {rho:.3f}")
    inv = mt.make_inverse_operator(data.info, data.fwd, data.noise_cov)
    stc = mt.apply_inverse(data.evoked, inv, 1 / 9, "dSPM")
    errors = {p.name: peak_error_mm(stc, p, src) for p in patches}
    print("dSPM (for reference): " + ", ".join(
        f"{name} {c:.1f} mm from centre ({n:.1f} from patch)" for name, (c, n) in errors.items()))
    data_cov = mne.compute_covariance(epochs, tmin=0.0, tmax=0.3, method="empirical")
    for weight_norm, pick_ori in (("unit-noise-gain-invariant", None), (None, "max-power"),
                                  ("unit-noise-gain", "max-power")):
        filters = bf.make_lcmv(data.info, data.fwd, data_cov, reg=0.05,
                               noise_cov=data.noise_cov, weight_norm=weight_norm,
                               pick_ori=pick_ori)
        stc = bf.apply_lcmv(data.evoked, filters)
        errors = {p.name: peak_error_mm(stc, p, src) for p in patches}
        print(f"LCMV {weight_norm}, {pick_ori}: " + ", ".join(
            f"{name} {c:.1f} mm from centre ({n:.1f} from patch)"
            for name, (c, n) in errors.items()))
    evoked = data.evoked.copy().crop(-0.05, 0.3)
    for alpha in (1 / data.evoked.nave, 0.2):
        start = time.perf_counter()
        stc = gamma_map(evoked, data.fwd, data.noise_cov, alpha)
        errors = {p.name: peak_error_mm(stc, p, src) for p in patches}
        n_active = sum(len(v) for v in stc.vertices)
        print(f"gamma-MAP alpha={alpha:.3g} ({n_active} locations, "
              f"{time.perf_counter() - start:.0f} s): " + ", ".join(
                  f"{name} {c:.1f} mm from centre ({n:.1f} from patch)"
                  for name, (c, n) in errors.items()))
    results = cancellation(data, epochs, patches)
    for p in patches:
        (both, error_both), (alone, error_alone) = (results[p.name, "with partner"],
                                                    results[p.name, "alone"])
        print(f"{p.name}: unit-gain LCMV moment / true moment {both:.2f} with the correlated "
              f"partner, {alone:.2f} alone (cancellation factor {both / alone:.2f}); default "
              f"LCMV peak {error_both[0]:.1f} mm from centre with the partner, "
              f"{error_alone[0]:.1f} mm alone")


if __name__ == "__main__":
    main(*sys.argv[1:])
