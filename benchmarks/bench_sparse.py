"""Time our MxNE and TF-MxNE against MNE-Python's solvers at the same duality gap.

Same inputs for both: MNE's prepared gain (``_prepare_gain``, via sp.prepare_sparse_gain) and
whitened data of the course evoked (auditory/left); MNE's solver gets the gain divided by
alpha_max/100 and alpha in percent, as its mirror does, ours alpha in data units. Both stop at
tol = TOL_REL * ||b||_F^2; the gap of each result is re-evaluated with our one duality-gap
function. One BLAS thread for both (a shared 2-core machine). Best of REPEAT runs.

    .venv/bin/python benchmarks/bench_sparse.py
"""

import time

import mne
import numpy as np
from mne.inverse_sparse.mxne_optim import mixed_norm_solver, tf_mixed_norm_solver
from threadpoolctl import threadpool_limits

import minnorm_teach as mt
from minnorm_teach import sparse as sp

TOL_REL = 1e-8
REPEAT = 2
ALPHA = 30.0              # percent of alpha_max


def best_time(run):
    times, out = [], None
    for _ in range(REPEAT):
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
    return min(times), out


def problem(data, evoked, loose):
    prep = sp.prepare_sparse_gain(data.fwd, evoked.info, data.noise_cov, loose=loose, depth=0.8)
    rows = [evoked.ch_names.index(c) for c in prep.ch_names]
    return prep.W @ evoked.data[rows], prep.L, prep.n_orient


def bench_mxne(b, L, n_orient, label):
    tol = TOL_REL * np.sum(b**2)
    a_max = sp.alpha_max(L, b, n_orient)
    alpha, scale = ALPHA / 100 * a_max, a_max / 100
    t_ours, ours = best_time(lambda: sp.mxne(b, L, alpha, n_orient, tol=tol))
    penalty = sp.L21(alpha, n_orient)
    gap_ours = sp.duality_gap(b, L, ours.j, ours.active, penalty).gap
    for solver in (["cd", "bcd"] if n_orient == 1 else ["bcd"]):
        t_mne, (j, active, _) = best_time(lambda s=solver: mixed_norm_solver(
            b, L / scale, ALPHA, tol=tol, n_orient=n_orient, active_set_size=10,
            debias=False, solver=s))
        gap_mne = sp.duality_gap(b, L, j / scale, active, penalty).gap
        print(f"MxNE {label:14s} MNE {solver:3s}: ours {t_ours:6.2f} s (gap/tol "
              f"{gap_ours / tol:.2f}), MNE {t_mne:6.2f} s (gap/tol {gap_mne / tol:.2f}), "
              f"ratio ours/MNE {t_ours / t_mne:.2f}, same support "
              f"{np.array_equal(active, ours.active)}")


def bench_tf(b, L, n_orient, label, wsize=16, tstep=4, l1_ratio=0.05):
    tol = TOL_REL * np.sum(b**2)
    frame = sp.make_frame(wsize, tstep, b.shape[1])
    a_max = sp.alpha_max_tf(L, b, frame, l1_ratio, n_orient)
    alpha, scale = ALPHA / 100 * a_max, a_max / 100
    a_s, a_t = alpha * (1 - l1_ratio), alpha * l1_ratio
    t_ours, (ours, frame) = best_time(lambda: sp.tf_mxne(b, L, a_s, a_t, n_orient, wsize=wsize,
                                                         tstep=tstep, tol=tol))
    penalty = sp.L21L1(a_s, a_t, n_orient, frame)
    gap_ours = sp.duality_gap(b, L, ours.j, ours.active, penalty).gap
    t_mne, (j, active, _, gap_mne) = best_time(lambda: tf_mixed_norm_solver(
        b, L / scale, ALPHA * (1 - l1_ratio), ALPHA * l1_ratio, wsize=wsize, tstep=tstep,
        n_orient=n_orient, tol=tol, debias=False, return_gap=True, maxit=3000))
    print(f"TF-MxNE {label:11s}: ours {t_ours:6.2f} s (gap/tol {gap_ours / tol:.2f}), "
          f"MNE {t_mne:6.2f} s (MNE's gap/tol {gap_mne / tol:.2f}), ratio ours/MNE "
          f"{t_ours / t_mne:.2f}, same support {np.array_equal(active, ours.active)}")


def main():
    mne.set_log_level("WARNING")
    data = mt.datasets.load_data()
    evoked = data.evoked.copy().crop(0.0, 0.2)
    with threadpool_limits(limits=1, user_api="blas"):
        for loose, label in ((0.0, "fixed"), (0.2, "loose 0.2")):
            b, L, n_orient = problem(data, evoked, loose)
            bench_mxne(b, L, n_orient, label)
            bench_tf(b, L, n_orient, label)


if __name__ == "__main__":
    main()
