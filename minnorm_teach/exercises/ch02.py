"""Exercises of chapter 02 (the generalized inverse), in page order.

- ex-02-weighted  (a derivation)  the minimum-norm solution for a weighted norm j^T R^-1 j
- ex-02-channels  (a decision)    more channels, and the noise gain of the pseudo-inverse
- ex-02-amplify   (a derivation)  how large the noise in L^+ n is, from the singular values
"""

import numpy as np

from minnorm_teach.exercises.kinds import Decision, Derivation, Outcome

MIN_CHANNELS, MAX_CHANNELS = 10, 55     # the choice of ex-02-channels


def weighted_minimum_norm(L, b, r):
    """argmin j^T R^-1 j subject to L j = b, R = diag(r):  j = R L^T (L R L^T)^-1 b."""
    RLt = r[:, None] * L.T
    return RLt @ np.linalg.solve(L @ RLt, b)


def weighted_problems(rng):
    """Full-row-rank problems (L, b, r) of three shapes, positive weights of different sizes."""
    return [(rng.standard_normal((m, n)), rng.standard_normal(m), rng.uniform(0.1, 10.0, n))
            for m, n in ((3, 7), (5, 12), (8, 30))]
SHAPE_CASES = ("L of 3 x 7", "L of 5 x 12", "L of 8 x 30")


def expected_source_noise(s, sigma):
    """sqrt(E ||L^+ n||^2) = sigma sqrt(sum_i 1 / s_i^2) for white noise of std sigma."""
    return float(sigma * np.sqrt(np.sum(1.0 / np.asarray(s, dtype=float) ** 2)))


def spectrum_problems(rng):
    """Non-zero singular values (descending) and a noise level, for three sizes."""
    return [(np.sort(rng.uniform(0.01, 5.0, k))[::-1], sigma)
            for k, sigma in ((4, 1.0), (20, 0.3), (59, 2e-6))]


SPECTRUM_CASES = ("4 values, sigma = 1", "20 values, sigma = 0.3", "59 values, sigma = 2e-6")


def noise_gain(L_rows):
    """s_1 / s_min of a full-row-rank block of rows: how much more L^+ amplifies the weakest
    field pattern than the strongest."""
    s = np.sqrt(np.clip(np.linalg.eigvalsh(L_rows @ L_rows.T), 0, None))
    return float(s[-1] / s[0])


def spread_rows(n_rows, n_keep):
    """Indices of ``n_keep`` of ``n_rows`` channels, spread evenly over the list."""
    return np.unique(np.round(np.linspace(0, n_rows - 1, n_keep)).astype(int))


def channels_effect(n_keep, *, L_eeg):
    """How the noise gain s_1 / s_min of the pseudo-inverse moves from all EEG channels to
    ``n_keep`` of them."""
    before = noise_gain(L_eeg)
    after = noise_gain(L_eeg[spread_rows(len(L_eeg), n_keep)])
    option = "grows" if after > before else "shrinks"
    detail = (f"s_1 / s_min went from {before:.3g} with all {len(L_eeg)} EEG channels to "
              f"{after:.3g} with {n_keep}")
    return Outcome(option, detail)


def _channel_count(choice):
    if isinstance(choice, (bool, np.bool_)) or not isinstance(choice, (int, np.integer)):
        return f"got {type(choice).__name__} {choice!r}"
    return "" if MIN_CHANNELS <= choice <= MAX_CHANNELS else f"got {choice}"


EXERCISES = [
    Derivation("ex-02-weighted", "A weighted minimum norm",
               signature="weighted_minimum_norm(L, b, r)", reference=weighted_minimum_norm,
               problems=weighted_problems, cases=SHAPE_CASES,
               kind="an array with one value per column of L (n_dipoles)",
               hint="the Lagrangian is (1/2) j^T R^-1 j + mu^T (b - L j); set its gradient in j "
                    "to zero, solve for j, and put it into L j = b to find mu"),
    Decision("ex-02-channels", "More channels, more noise?",
             choice=f"the number of EEG channels, an int from {MIN_CHANNELS} to {MAX_CHANNELS}",
             valid=_channel_count, options=("grows", "shrinks"), outcome=channels_effect,
             default=MAX_CHANNELS,
             hint="each channel adds a row to L and one singular value; think of what the new "
                  "singular values of nearly redundant rows look like"),
    Derivation("ex-02-amplify", "How much does noise grow?",
               signature="expected_source_noise(s, sigma)", reference=expected_source_noise,
               problems=spectrum_problems, cases=SPECTRUM_CASES, kind="a float, in A·m",
               hint="write L^+ n = sum_i (u_i^T n / s_i) v_i; the v_i are orthonormal, and each "
                    "u_i^T n of white noise has variance sigma^2"),
]
