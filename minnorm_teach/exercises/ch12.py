"""Exercises of chapter 12 (TF-MxNE), in page order.

1. ex-12-energy  (function)   the energy of a signal from its one-sided STFT coefficients
2. ex-12-soft    (derivation) the prox of tau |z| for complex z (complex soft-thresholding)
3. ex-12-l1      (decision)   choose l1_ratio, predict the number of time-frequency atoms
"""

import numpy as np

from minnorm_teach import sparse as sp
from minnorm_teach.exercises.kinds import Decision, Derivation, Function, Outcome, number_between
from minnorm_teach.sparse.penalties import prox_l1_columns


def two_sided_energy(Z, n_freq):
    """||x||^2 per row from Z (n_rows, n_freq, n_step): frequencies 0 < f < w/2 count twice."""
    power = np.abs(Z) ** 2
    return 2 * power.sum(axis=(1, 2)) - power[:, 0].sum(axis=1) - power[:, n_freq - 1].sum(axis=1)


def energy_problems(rng):
    """(Z, n_freq): STFTs of random signals, several window sizes and lengths."""
    cases = []
    for n_rows, n_times, wsize, tstep in ((3, 40, 8, 2), (2, 61, 16, 4), (4, 90, 32, 8)):
        Z = sp.stft(rng.standard_normal((n_rows, n_times)), wsize, tstep)
        cases.append((Z, wsize // 2 + 1))
    return cases


def complex_soft(z, tau):
    """prox of tau |z| elementwise: z max(0, 1 - tau / |z|)."""
    z = np.asarray(z, dtype=complex)
    return prox_l1_columns(z.reshape(1, -1), tau, 1).reshape(z.shape)


def soft_problems(rng):
    """(z, tau): complex arrays with entries below and above the threshold."""
    return [(rng.standard_normal(n) + 1j * rng.standard_normal(n), tau)
            for n, tau in ((7, 0.8), (12, 1.5), (5, 0.1))]


def n_atoms(b, L, l1_ratio, n_orient, frame_sizes=(16, 4), alpha_percent=50.0):
    """Nonzero TF coefficients (atoms, orientations together) of TF-MxNE at alpha_percent."""
    wsize, tstep = frame_sizes
    frame = sp.make_frame(wsize, tstep, b.shape[1])
    a = alpha_percent / 100 * sp.alpha_max_tf(L, b, frame, l1_ratio, n_orient)
    sol, _ = sp.tf_mxne(b, L, a * (1 - l1_ratio), a * l1_ratio, n_orient, wsize=wsize,
                        tstep=tstep, tol=1e-6 * float(np.sum(b**2)))
    return int(np.sum(np.abs(sol.j).reshape(-1, n_orient, sol.j.shape[1]).max(axis=1) > 0))


def l1_effect(choice, *, L, b, n_orient):
    """Atoms kept at the chosen l1_ratio against l1_ratio = 0.05 (both at 50 % of alpha_max)."""
    reference, chosen = n_atoms(b, L, 0.05, n_orient), n_atoms(b, L, choice, n_orient)
    option = "same" if chosen == reference else ("more" if chosen > reference else "fewer")
    return Outcome(option, f"at l1_ratio = {choice:.2g} TF-MxNE kept {chosen} atoms, at 0.05 "
                           f"{reference}")


EXERCISES = [
    Function("ex-12-energy", "Energy in the two-sided spectrum",
             signature="two_sided_energy(Z, n_freq)", reference=two_sided_energy,
             problems=energy_problems, kind="an array with one energy per row of Z",
             hint="the negative frequencies mirror the positive ones, except f = 0 and "
                  "f = w/2, which appear once"),
    Derivation("ex-12-soft", "Complex soft-thresholding", signature="soft(z, tau)",
               reference=complex_soft, problems=soft_problems,
               kind="a complex array of z's shape",
               hint="write y = r e^{i phi}: at fixed r the phase that minimises |y - z|^2 is "
                    "z's; then minimise over r >= 0"),
    Decision("ex-12-l1", "Choose l1_ratio, predict the atoms",
             choice="l1_ratio, a number from 0.01 to 0.9", valid=number_between(0.01, 0.9),
             options=("more", "fewer", "same"), outcome=l1_effect, default=0.05,
             hint="l1_ratio moves the penalty from whole locations (alpha_space) to single "
                  "atoms (alpha_time), at the same percentage of the new alpha_max"),
]
