"""The whole benchmark table: ours / MNE-Python for every row, measured alternately in one run.

    .venv/bin/python benchmarks/run_all.py [--repeat 3] [--threads 1]

Rows come from ``bench_inverse.cases(data)`` (make_inverse_operator, apply_inverse dSPM,
eLORETA) and ``bench_sparse.cases(data)`` (MxNE, TF-MxNE; "pending" while that module has no
``cases``). Each row runs ours, MNE's, ours, MNE's... ``--repeat`` times, so that a busy
machine slows both sides alike, and reports the medians and their ratio (below 1: we are
faster). One BLAS thread by default: on a shared 2-core machine two OpenBLAS threads per
process fight each other and the timings say more about the neighbours than the code.
Course data: ico4, MEG+EEG (365 good channels), 5124 sources. A script, not a test.
"""

import argparse
import os
import sys
import time

import mne
import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import minnorm_teach as mt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def _seconds(func):
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def measure(rows, repeat):
    """[(label, median ours s, median MNE s)], alternating ours and MNE's ``repeat`` times."""
    table = []
    for label, ours, theirs in rows:
        times = np.array([(_seconds(ours), _seconds(theirs)) for _ in range(repeat)])
        median = np.median(times, axis=0)
        table.append((label, float(median[0]), float(median[1])))
    return table


def print_table(table):
    print(f"{'step':34s} {'ours (s)':>9s} {'MNE (s)':>9s} {'ours/MNE':>9s}")
    for label, ours, theirs in table:
        if ours is None:
            print(f"{label:34s} {'pending':>9s}")
        else:
            print(f"{label:34s} {ours:9.2f} {theirs:9.2f} {ours / theirs:9.2f}")


def _sparse_rows(data):
    import bench_sparse

    if not hasattr(bench_sparse, "cases"):
        return None
    return bench_sparse.cases(data)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads per process")
    args = parser.parse_args(argv)
    import bench_inverse

    mne.set_log_level("WARNING")
    data = mt.datasets.load_course_data(spacing="ico4")
    blas = [(i["internal_api"], i.get("architecture")) for i in threadpool_info()
            if i["user_api"] == "blas"]
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; BLAS {blas}, "
          f"{args.threads} thread(s); median of {args.repeat}, alternating ours and MNE's")
    with threadpool_limits(limits=args.threads, user_api="blas"):
        table = measure(bench_inverse.cases(data), args.repeat)
        sparse = _sparse_rows(data)
        if sparse is None:
            table.append(("sparse rows (bench_sparse.cases)", None, None))
        else:
            table += measure(sparse, args.repeat)
    print_table(table)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
