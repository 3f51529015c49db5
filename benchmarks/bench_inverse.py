"""Time our make_inverse_operator + apply_inverse against MNE-Python's, in one run.

A script, not a test: ``python benchmarks/bench_inverse.py [--repeat N] [--spacing ico4]``.
Both sides get the same inputs (course data, MEG+EEG, loose 0.2, depth 0.8, lambda2 1/9,
method "MNE"); each step is timed ``--repeat`` times, alternating ours and MNE's so that a
busy machine slows both alike, and the median is reported with the ratio ours / MNE
(below 1: we are faster).
"""

import argparse
import time

import mne
import numpy as np
from mne.minimum_norm import apply_inverse as mne_apply_inverse
from mne.minimum_norm import make_inverse_operator as mne_make_inverse_operator

import minnorm_teach as mt


def _timed(func, *args):
    start = time.perf_counter()
    out = func(*args)
    return time.perf_counter() - start, out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--spacing", default="ico4", choices=("ico4", "ico3"))
    args = parser.parse_args(argv)
    mne.set_log_level("WARNING")
    data = mt.datasets.load_course_data(spacing=args.spacing)
    evoked, fwd, cov = data.evoked, data.fwd, data.noise_cov
    kwargs = dict(loose=0.2, depth=0.8)
    times = {"ours make": [], "mne make": [], "ours apply": [], "mne apply": []}
    for _ in range(args.repeat):
        t, inv = _timed(lambda: mt.make_inverse_operator(evoked.info, fwd, cov, **kwargs))
        times["ours make"].append(t)
        t, inv_mne = _timed(lambda: mne_make_inverse_operator(evoked.info, fwd, cov, **kwargs))
        times["mne make"].append(t)
        t, stc = _timed(mt.apply_inverse, evoked, inv, 1 / 9, "MNE")
        times["ours apply"].append(t)
        t, stc_mne = _timed(mne_apply_inverse, evoked, inv_mne, 1 / 9, "MNE")
        times["mne apply"].append(t)
    error = np.max(np.abs(stc.data - stc_mne.data)) / np.max(np.abs(stc_mne.data))
    med = {key: float(np.median(value)) for key, value in times.items()}
    print(f"course data {args.spacing}: {len(inv.ch_names)} channels, {inv.n_sources} sources, "
          f"median of {args.repeat} runs; stc max rel. error vs MNE {error:.1e}")
    for step in ("make", "apply"):
        ours, theirs = med[f"ours {step}"], med[f"mne {step}"]
        print(f"  {step:5s}  ours {ours:6.2f} s   MNE {theirs:6.2f} s   ratio {ours / theirs:.2f}")
    total_ours = med["ours make"] + med["ours apply"]
    total_mne = med["mne make"] + med["mne apply"]
    print(f"  total  ours {total_ours:6.2f} s   MNE {total_mne:6.2f} s   "
          f"ratio {total_ours / total_mne:.2f}")


if __name__ == "__main__":
    main()
