"""Time our MxNE and TF-MxNE against MNE-Python's solvers at the same duality gap.

A script, not a test: ``python benchmarks/bench_sparse.py [--repeat N]``. Both sides get the
same inputs: the gain of ``sp.prepare_sparse_gain`` (equal to the one MNE's ``mixed_norm``
builds, to 1e-15; tests/test_sparse_gain.py) and the whitened course evoked (auditory/left,
0-200 ms, 41 samples), depth 0.8, alpha 30 % of alpha_max, no time PCA. MNE's solver gets the
gain divided by alpha_max / 100 and alpha in percent, as its mirror does; ours alpha in data
units. Both stop at the same tol = TOL_REL * ||b||_F^2 on the same duality gap (primal minus
the best dual value), which is re-evaluated for both results with our one gap function.

Every solver runs with one BLAS thread (a shared 2-core machine). Ours and MNE's alternate,
``--repeat`` times each, so that a busy machine slows both alike; the table gives the medians
and the ratio ours / MNE (below 1: ours is faster).

``cases(data)`` returns ``[(label, ours, mne)]`` of argument-less callables for
``benchmarks/run_all.py``.
"""

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass

import mne
import numpy as np
from mne.inverse_sparse.mxne_optim import mixed_norm_solver, tf_mixed_norm_solver
from threadpoolctl import threadpool_limits

import minnorm_teach as mt
from minnorm_teach import sparse as sp

TOL_REL = 1e-8
ALPHA = 30.0              # percent of alpha_max
L1_RATIO = 0.05           # TF-MxNE
WSIZE, TSTEP = 16, 4      # TF-MxNE: 80 ms windows every 20 ms at 200 Hz


@dataclass(frozen=True)
class Case:
    """One row: two solvers of one problem, each returning (j, active, ...) in data units, and
    ``gaps(ours_result, mne_result)``: the duality gap of each result divided by tol."""

    label: str
    ours: Callable
    mne: Callable
    gaps: Callable


def one_thread(run):
    def wrapped():
        with threadpool_limits(limits=1, user_api="blas"):
            return run()
    return wrapped


def problem(data, loose):
    """Whitened data b (0-200 ms), gain L and n_orient of the course evoked."""
    evoked = data.evoked.copy().crop(0.0, 0.2)
    prep = sp.prepare_sparse_gain(data.fwd, evoked.info, data.noise_cov, loose=loose,
                                  depth=0.8)
    rows = [evoked.ch_names.index(c) for c in prep.ch_names]
    return prep.W @ evoked.data[rows], prep.L, prep.n_orient


def mxne_cases(b, L, n_orient, label):
    tol = TOL_REL * np.sum(b**2)
    a_max = sp.alpha_max(L, b, n_orient)
    alpha, scale = ALPHA / 100 * a_max, a_max / 100
    penalty = sp.L21(alpha, n_orient)

    def ours():
        sol = sp.mxne(b, L, alpha, n_orient, tol=tol)
        return sol.j, sol.active

    def theirs(solver):
        j, active, _ = mixed_norm_solver(b, L / scale, ALPHA, tol=tol, n_orient=n_orient,
                                         active_set_size=10, debias=False, solver=solver)
        return j / scale, active

    def gaps(ours, theirs):
        return [sp.duality_gap(b, L, j, active, penalty).gap / tol for j, active in (ours, theirs)]

    if n_orient == 3:
        return [Case(f"MxNE {label}", one_thread(ours), one_thread(lambda: theirs("bcd")), gaps)]
    return [Case(f"MxNE {label} vs MNE {name}", one_thread(ours),
                 one_thread(lambda s=solver: theirs(s)), gaps)
            for name, solver in (("BCD", "bcd"), ("CD", "cd"))]


def tf_case(b, L, n_orient, label):
    tol = TOL_REL * np.sum(b**2)
    frame = sp.make_frame(WSIZE, TSTEP, b.shape[1])
    a_max = sp.alpha_max_tf(L, b, frame, L1_RATIO, n_orient)
    alpha, scale = ALPHA / 100 * a_max, a_max / 100
    a_space, a_time = alpha * (1 - L1_RATIO), alpha * L1_RATIO
    penalty = sp.L21L1(a_space, a_time, n_orient, frame)

    def ours():
        sol, _ = sp.tf_mxne(b, L, a_space, a_time, n_orient, wsize=WSIZE, tstep=TSTEP,
                            tol=tol)
        return sol.j, sol.active

    def theirs():
        j, active, _, gap = tf_mixed_norm_solver(
            b, L / scale, ALPHA * (1 - L1_RATIO), ALPHA * L1_RATIO, wsize=WSIZE, tstep=TSTEP,
            n_orient=n_orient, tol=tol, debias=False, maxit=3000, return_gap=True)
        return j / scale, active, gap

    def gaps(ours, theirs):
        """MNE returns time courses, not its coefficients Z: its own gap (the same formula, in
        the same data units since MNE's objective equals ours) stands for it."""
        Z, active = ours
        return sp.duality_gap(b, L, Z, active, penalty).gap / tol, theirs[2] / tol

    return Case(f"TF-MxNE {label}", one_thread(ours), one_thread(theirs), gaps)


def all_cases(data):
    out = []
    for loose, label in ((0.0, "fixed"), (0.2, "loose")):
        b, L, n_orient = problem(data, loose)
        out += mxne_cases(b, L, n_orient, label)
        out.append(tf_case(b, L, n_orient, label))
    order = ["MxNE fixed vs MNE BCD", "MxNE fixed vs MNE CD", "MxNE loose", "TF-MxNE fixed",
             "TF-MxNE loose"]
    return sorted(out, key=lambda case: order.index(case.label))


def cases(data):
    """[(label, ours, mne)]: argument-less callables, one BLAS thread each."""
    return [(case.label, case.ours, case.mne) for case in all_cases(data)]


def timed(run):
    start = time.perf_counter()
    out = run()
    return time.perf_counter() - start, out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    mne.set_log_level("WARNING")
    data = mt.datasets.load_data()
    print(f"course data: tol = {TOL_REL:g} ||b||^2, alpha {ALPHA:g} % of alpha_max, "
          f"median of {args.repeat} alternating runs, one BLAS thread")
    print(f"{'case':24s} {'ours (s)':>9s} {'MNE (s)':>9s} {'ratio':>6s}   gap/tol ours, MNE"
          f"   same support")
    for case in all_cases(data):
        t_ours, t_mne = [], []
        for _ in range(args.repeat):
            t, ours = timed(case.ours)
            t_ours.append(t)
            t, theirs = timed(case.mne)
            t_mne.append(t)
        ours_s, mne_s = np.median(t_ours), np.median(t_mne)
        gap_ours, gap_mne = case.gaps(ours, theirs)
        print(f"{case.label:24s} {ours_s:9.3f} {mne_s:9.3f} {ours_s / mne_s:6.2f}   "
              f"{gap_ours:.2f}, {gap_mne:.2f}   {np.array_equal(ours[1], theirs[1])}")


if __name__ == "__main__":
    main()
