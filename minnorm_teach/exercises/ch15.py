"""Exercises of chapter 15, the LCMV beamformer and γ-MAP, in page order.

1. ex-15-power (derivation): the power a unit-gain filter passes, 1 / (l^T C_b^{-1} l).
2. ex-15-reg (decision): diagonal loading and the amplitude of a unit-gain estimate.
3. ex-15-mackay (coding): one MacKay update of the γ-MAP variances.
4. ex-15-switch-off (derivation): the minimiser of the cost along one variance.
5. ex-15-alpha (decision): γ-MAP's noise variance and the number of sources it keeps.

Everything on whitened arrays: noise covariance I for the beamformer, alpha I for γ-MAP.
"""

import numpy as np

from minnorm_teach.beamformer import field_filters, lcmv_kernel, source_power
from minnorm_teach.exercises.kinds import Decision, Derivation, Function, Outcome, number_between
from minnorm_teach.sparse.gamma_map import gamma_map_solver, posterior_terms, update_gammas
from minnorm_teach.sparse.gamma_map_sparsity import best_variance


def _covariance(rng, n_channels, n_samples=300):
    """A full-rank data covariance: random sources seen through a random field, plus noise."""
    mixing = rng.standard_normal((n_channels, n_channels // 2))
    b = mixing @ rng.standard_normal((n_channels // 2, n_samples))
    b += 0.3 * rng.standard_normal((n_channels, n_samples))
    return b @ b.T / n_samples


def power_problems(rng):
    """(L, C_b) of three shapes: whitened lead fields and data covariances."""
    return [(rng.standard_normal((n_channels, n_sources)), _covariance(rng, n_channels))
            for n_channels, n_sources in ((12, 5), (20, 30), (7, 1))]


def unit_gain_power(L, C_b):
    """tr(w_k^T C_b w_k) of the unit-gain filters w_k, built and applied: the other side of
    the identity p_k = 1 / (l_k^T C_b^{-1} l_k)."""
    K = lcmv_kernel(L, C_b, 1, reg=0.0, weight_norm=None).K
    return source_power(K, C_b, 1)


def amplitude_change(choice, *, filters, data_cov, field, b):
    """|w^T b| of the unit-gain filter for ``field`` with reg = choice, against reg = 0.05."""
    before = abs(float(field_filters(filters, data_cov, field, reg=0.05)[0] @ b))
    after = abs(float(field_filters(filters, data_cov, field, reg=choice)[0] @ b))
    if np.isclose(after, before, rtol=1e-9, atol=0):
        option = "unchanged"
    else:
        option = "larger" if after > before else "smaller"
    detail = (f"with reg = {choice:g} the unit-gain estimate is {after * 1e9:.1f} nAm, with "
              f"reg = 0.05 {before * 1e9:.1f} nAm")
    return Outcome(option, detail)


def mackay_step(b, L, gammas, alpha):
    """gamma_k <- gamma_k mean_t(a_k(t)^2) / z_k, a = L^T Sigma_b^{-1} b,
    z_k = l_k^T Sigma_b^{-1} l_k, Sigma_b = L diag(gammas) L^T + alpha I."""
    z, a, _ = posterior_terms(b, L, gammas, alpha)
    return update_gammas(gammas, np.mean(a ** 2, axis=1), z, 1)


def mackay_problems(rng):
    """(b, L, gammas, alpha): whitened data of a few sources, more and fewer sources than
    channels."""
    cases = []
    for n_channels, n_sources, n_times, alpha in ((10, 25, 15, 0.1), (12, 6, 8, 0.5),
                                                   (5, 9, 1, 0.02)):
        L = rng.standard_normal((n_channels, n_sources))
        j = np.zeros((n_sources, n_times))
        j[:2] = rng.standard_normal((2, n_times))
        b = L @ j + np.sqrt(alpha) * rng.standard_normal((n_channels, n_times))
        cases.append((b, L, rng.uniform(0.2, 2.0, n_sources), alpha))
    return cases


def switch_off_problems(rng):
    """(s, q2): arrays with sources on both sides of q2 = s, and one scalar pair."""
    s = rng.uniform(0.1, 5.0, 40)
    q2 = s * rng.uniform(0.2, 4.0, 40)
    return [(s, q2), (s[:7] * 30, q2[:7]), (np.array([2.0]), np.array([2.0]))]


def kept_sources(gammas):
    """Number of variances above 1e-3 of the largest: the sources γ-MAP keeps (the others are
    on their way to 0 when the solver stops)."""
    return int(np.sum(gammas > 1e-3 * gammas.max()))


def source_count_change(choice, *, b, L, solution):
    """Sources kept by γ-MAP (fixed orientation) with alpha = choice, against ``solution``."""
    before = kept_sources(solution.gammas)
    after = kept_sources(gamma_map_solver(b, L, choice, 1).gammas)
    option = "as many" if after == before else ("more" if after > before else "fewer")
    return Outcome(option, f"with alpha = {choice:g} γ-MAP keeps {after} sources, "
                           f"{before} with the chapter's alpha")


EXERCISES = [
    Derivation("ex-15-power", "The power a unit-gain filter passes",
               signature="output_power(L, C_b)", reference=unit_gain_power,
               problems=power_problems, kind="an array with one value per column of L",
               hint="put w_k of the solution into w_k^T C_b w_k and simplify: "
                    "C_b^{-1} C_b C_b^{-1} = C_b^{-1}; use np.linalg.solve"),
    Decision("ex-15-reg", "Diagonal loading and the unit-gain amplitude",
             choice="reg, a number from 0 to 10", valid=number_between(0.0, 10.0),
             options=("larger", "smaller", "unchanged"), outcome=amplitude_change,
             default=0.05,
             hint="loading adds mu I to C_b: the more mu, the less the filter adapts to "
                  "what correlates with the source"),
    Function("ex-15-mackay", "One MacKay update", signature="mackay_step(b, L, gammas, alpha)",
             reference=mackay_step, problems=mackay_problems,
             kind="an array with one variance per column of L",
             hint="a = L^T Sigma_b^{-1} b has one row per source and one column per sample; "
                  "z is the diagonal of L^T Sigma_b^{-1} L; average a**2 over time (axis=1)"),
    Derivation("ex-15-switch-off", "When a variance is switched off",
               signature="best_variance(s, q2)", reference=best_variance,
               problems=switch_off_problems, kind="an array like s, one variance >= 0 each",
               hint="f'(gamma) has the sign of s (1 + gamma s) - q2; where it is positive at "
                    "gamma = 0 it stays positive"),
    Decision("ex-15-alpha", "γ-MAP's noise variance and its number of sources",
             choice="alpha, a number from 0.05 to 2", valid=number_between(0.05, 2.0),
             options=("more", "fewer", "as many"), outcome=source_count_change, default=0.2,
             hint="alpha is the part of the data the model may leave unexplained as noise"),
]
