"""Time our linear inverse against MNE-Python's on the course data, side by side.

A script, not a test: ``python benchmarks/bench_inverse.py [--repeat N] [--spacing ico4]``.
:func:`cases` gives the rows of the table that ``benchmarks/run_all.py`` prints (with the
sparse rows of ``bench_sparse.py``): each row is (label, ours, mne), two callables without
arguments that compute the same thing from the same inputs (course data, MEG+EEG, loose 0.2,
depth 0.8, lambda2 1/9). Run alone, this script also prints how far our results are from MNE's.
"""

import argparse

import mne
import numpy as np
from mne.minimum_norm import apply_inverse as mne_apply_inverse
from mne.minimum_norm import make_inverse_operator as mne_make_inverse_operator

import minnorm_teach as mt

OPERATOR = dict(loose=0.2, depth=0.8)
LAMBDA2 = 1.0 / 9.0


def cases(data):
    """Rows (label, ours, mne) of the benchmark table; operators are built once, untimed."""
    evoked, fwd, cov = data.evoked, data.fwd, data.noise_cov
    inv = mt.make_inverse_operator(evoked.info, fwd, cov, **OPERATOR)
    inv_mne = mne_make_inverse_operator(evoked.info, fwd, cov, **OPERATOR)
    return [
        ("make_inverse_operator",
         lambda: mt.make_inverse_operator(evoked.info, fwd, cov, **OPERATOR),
         lambda: mne_make_inverse_operator(evoked.info, fwd, cov, **OPERATOR)),
        ("apply_inverse dSPM",
         lambda: mt.apply_inverse(evoked, inv, LAMBDA2, "dSPM"),
         lambda: mne_apply_inverse(evoked, inv_mne, LAMBDA2, "dSPM")),
        ("apply_inverse eLORETA",
         lambda: mt.apply_inverse(evoked, inv, LAMBDA2, "eLORETA"),
         lambda: mne_apply_inverse(evoked, inv_mne, LAMBDA2, "eLORETA")),
    ]


def agreement(data):
    """Max relative error of our source estimates against MNE's, per apply row."""
    rows = {}
    for label, ours, theirs in cases(data)[1:]:
        a, b = ours().data, theirs().data
        rows[label] = float(np.max(np.abs(a - b)) / np.max(np.abs(b)))
    return rows


def main(argv=None):
    import run_all

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--spacing", default="ico4", choices=("ico4", "ico3"))
    args = parser.parse_args(argv)
    mne.set_log_level("WARNING")
    data = mt.datasets.load_course_data(spacing=args.spacing)
    run_all.print_table(run_all.measure(cases(data), args.repeat))
    for label, error in agreement(data).items():
        print(f"{label}: stc max rel. error vs MNE {error:.1e}")


if __name__ == "__main__":
    main()
