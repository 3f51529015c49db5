"""Exercises of chapter 05 (noise covariance and whitening), in page order.

- ex-05-gfp (a function): whiten MEG and EEG apart, from the projected covariance C_P, and
  return the whitened GFP ||W b||^2 / rank;
- ex-05-trials (a decision): average fewer trials, predict the whitened GFP peak;
- ex-05-inflation (a derivation): what baseline correction does to the variance of white noise
  after the baseline, relative to inside it.
"""

import numpy as np

from minnorm_teach import whitening
from minnorm_teach.exercises.kinds import Decision, Derivation, Function, Outcome


def whitened_gfp(C_P, groups, ranks, b):
    """GFP_W(t) = ||W b(t)||^2 / sum(ranks), W from one eigh per group of C_P (cross-group
    entries ignored, the n_g - rank_g smallest eigenvalues of each group discarded)."""
    eig, E = whitening.eigh_by_group(C_P, groups, ranks)
    W = whitening.whitener_from_eigh(eig, E)
    return whitening.whitened_gfp(b, W, int(sum(ranks.values())))


def _projected_covariance(rng, n, removed):
    """A random covariance (n, n) with ``removed`` directions projected out: P C P."""
    A = rng.standard_normal((n, 3 * n))
    Q, _ = np.linalg.qr(rng.standard_normal((n, removed)))
    P = np.eye(n) - Q @ Q.T
    return P @ (A @ A.T / (3 * n)) @ P


def gfp_problems(rng):
    """Three problems (C_P, groups, ranks, b): two groups, one group, interleaved channels."""
    problems = []
    for sizes, removed, order in [((6, 4), (1, 1), None), ((7,), (2,), None),
                                  ((5, 4), (2, 1), rng.permutation(9))]:
        n = sum(sizes)
        C_P, start, groups, ranks = np.zeros((n, n)), 0, {}, {}
        for name, size, k in zip(("meg", "eeg"), sizes, removed, strict=False):
            idx = np.arange(start, start + size) if order is None else order[start:start + size]
            C_P[np.ix_(idx, idx)] = _projected_covariance(rng, size, k)
            C_P[np.ix_(idx, np.setdiff1d(np.arange(n), idx))] = 0.3   # cross terms to ignore
            groups[name], ranks[name] = np.sort(idx), size - k
            start += size
        C_P = (C_P + C_P.T) / 2
        problems.append((C_P, groups, ranks, rng.standard_normal((n, 5))))
    return problems


def inflation_white_noise(n):
    """Variance of x(t) - mean(baseline) after the baseline / its mean inside the baseline,
    for i.i.d. samples: from the explicit linear map (rows: x_k - m for the n baseline samples
    and one sample after them), no formula."""
    A = np.eye(n + 1)
    A[:, :n] -= 1.0 / n
    variance = np.sum(A ** 2, axis=1)
    return float(variance[n] / variance[:n].mean())


def inflation_problems(rng):
    return [(5,), (41,), (200,)]


def _gfp_peak_and_baseline(X, times, white, n):
    """Whitened GFP of the average of the first n epochs: its peak (0-300 ms), baseline mean."""
    b = X[:n].mean(axis=0)
    gfp = whitening.whitened_gfp(b, np.sqrt(n) * white.W @ white.P, white.n_nzero)
    return gfp[(times >= 0) & (times <= 0.3)].max(), gfp[times < 0].mean()


def trials_effect(n, *, epochs, white):
    """Average the first n epochs; compare the whitened GFP peak with all of them."""
    X = epochs.get_data(picks=list(white.ch_names))
    if n > len(X):
        return Outcome("too many", f"only {len(X)} epochs are available: choose at most "
                                   f"{len(X)}", goal_met=False)
    peak_all, _ = _gfp_peak_and_baseline(X, epochs.times, white, len(X))
    peak, base = _gfp_peak_and_baseline(X, epochs.times, white, n)
    if n == len(X):
        option = "unchanged"
    else:
        option = "higher" if peak > peak_all else "lower"
    return Outcome(option, f"the whitened GFP peak went from {peak_all:.2g} ({len(X)} trials) "
                           f"to {peak:.2g} ({n} trials); before the stimulus it stays near 1 "
                           f"({base:.2g})")


def valid_trials(n, *, low=5):
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
        return f"got {type(n).__name__}"
    return "" if n >= low else f"got {n}"


EXERCISES = [
    Function("ex-05-gfp", "Whiten MEG and EEG apart",
             signature="whitened_gfp(C_P, groups, ranks, b)", reference=whitened_gfp,
             problems=gfp_problems, kind="an array with one value per time sample",
             hint="one np.linalg.eigh per group on C_P[np.ix_(idx, idx)]; eigh sorts the "
                  "eigenvalues in ascending order, so the discarded ones come first"),
    Decision("ex-05-trials", "Average fewer trials",
             choice="n_trials, a whole number of epochs from 5 to the number available",
             options=("higher", "lower", "unchanged"), outcome=trials_effect, default=10,
             valid=valid_trials,
             hint="the noise of an average of n trials has covariance C / n, and the whitener "
                  "of the average knows it (sqrt(n) W): what is left to grow with n?"),
    Derivation("ex-05-inflation", "Baseline correction and white noise",
               signature="inflation(n)", reference=inflation_white_noise,
               problems=inflation_problems, kind="a number (a ratio of variances)",
               hint="x(t) - m with m the mean of n samples: expand the variance into "
                    "var(x(t)) + var(m) - 2 cov(x(t), m), once for t inside the baseline and "
                    "once after it"),
]
